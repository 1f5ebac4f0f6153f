using Dapper;
using Npgsql;
using Platform.Campaigns.Domain;

namespace Platform.Campaigns.Persistence;

/// <summary>Saved audiences, target group mappings and campaigns: what operators define. Every read is scoped to a workspace.</summary>
internal sealed class DefinitionStore(NpgsqlDataSource dataSource, CampaignsOptions options)
{
    public async Task<(IReadOnlyList<AudienceRow> Rows, int Total)> ListAudiencesAsync(string workspaceId, int skip, int take)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var total = await connection.ExecuteScalarAsync<int>("select count(*) from audiences where workspace_id = @workspaceId", new { workspaceId });
        var rows = await connection.QueryAsync<AudienceRow>(
            "select * from audiences where workspace_id = @workspaceId order by name, id offset @skip limit @take", new { workspaceId, skip, take });
        return (rows.AsList(), total);
    }

    public async Task<AudienceRow?> GetAudienceAsync(string workspaceId, Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<AudienceRow>(
            "select * from audiences where workspace_id = @workspaceId and id = @id", new { workspaceId, id });
    }

    /// <summary>Creates (id null) or replaces a saved audience; null when the name is taken by another.</summary>
    public async Task<AudienceRow?> SaveAudienceAsync(string workspaceId, Guid? id, string name, string? description, string definition)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        try
        {
            return id is null
                ? await connection.QuerySingleAsync<AudienceRow>("""
                    insert into audiences (workspace_id, name, description, definition) values (@workspaceId, @name, @description, @definition::jsonb)
                    returning *
                    """, new { workspaceId, name, description, definition })
                : await connection.QuerySingleOrDefaultAsync<AudienceRow>("""
                    update audiences set name = @name, description = @description, definition = @definition::jsonb
                    where workspace_id = @workspaceId and id = @id returning *
                    """, new { workspaceId, id, name, description, definition });
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return null;
        }
    }

    public async Task<(IReadOnlyList<TargetGroupRow> Rows, int Total)> ListTargetGroupsAsync(string workspaceId, int skip, int take)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var total = await connection.ExecuteScalarAsync<int>("select count(*) from target_group_mappings where workspace_id = @workspaceId", new { workspaceId });
        var rows = await connection.QueryAsync<TargetGroupRow>(
            "select * from target_group_mappings where workspace_id = @workspaceId order by crm_name, id offset @skip limit @take",
            new { workspaceId, skip, take });
        return (rows.AsList(), total);
    }

    public async Task<TargetGroupRow?> GetTargetGroupAsync(string workspaceId, Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<TargetGroupRow>(
            "select * from target_group_mappings where workspace_id = @workspaceId and id = @id", new { workspaceId, id });
    }

    /// <summary>Creates or replaces a mapping; null when the CRM name is taken by another mapping of the workspace.</summary>
    public async Task<TargetGroupRow?> SaveTargetGroupAsync(string workspaceId, Guid? id, string crmName, string? postgresTable, Guid? audienceId,
        string? description)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var args = new { workspaceId, id, crmName, postgresTable, audienceId, description };
        try
        {
            return id is null
                ? await connection.QuerySingleAsync<TargetGroupRow>("""
                    insert into target_group_mappings (workspace_id, crm_name, postgres_table, audience_id, description)
                    values (@workspaceId, @crmName, @postgresTable, @audienceId, @description) returning *
                    """, args)
                : await connection.QuerySingleOrDefaultAsync<TargetGroupRow>("""
                    update target_group_mappings set crm_name = @crmName, postgres_table = @postgresTable, audience_id = @audienceId,
                        description = @description
                    where workspace_id = @workspaceId and id = @id returning *
                    """, args);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return null;
        }
    }

    public async Task<bool> DeleteTargetGroupAsync(string workspaceId, Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("delete from target_group_mappings where workspace_id = @workspaceId and id = @id", new { workspaceId, id }) > 0;
    }

    public async Task<(IReadOnlyList<CampaignRow> Rows, int Total)> ListCampaignsAsync(string workspaceId, string? status, int skip, int take)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var args = new { workspaceId, status, skip, take };
        var total = await connection.ExecuteScalarAsync<int>(
            "select count(*) from campaigns where workspace_id = @workspaceId and (@status::text is null or status = @status)", args);
        var rows = await connection.QueryAsync<CampaignRow>("""
            select * from campaigns where workspace_id = @workspaceId and (@status::text is null or status = @status)
            order by created_at desc, id offset @skip limit @take
            """, args);
        return (rows.AsList(), total);
    }

    public async Task<CampaignRow?> GetCampaignAsync(string workspaceId, Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<CampaignRow>(
            "select * from campaigns where workspace_id = @workspaceId and id = @id", new { workspaceId, id });
    }

    public async Task<CampaignRow> CreateCampaignAsync(string workspaceId, string name, string? description, string workflowData, string? createdBy,
        DateTimeOffset? scheduledAt)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<CampaignRow>("""
            insert into campaigns (workspace_id, name, description, workflow_data, created_by, scheduled_at)
            values (@workspaceId, @name, @description, @workflowData::jsonb, @createdBy, @scheduledAt) returning *
            """, new { workspaceId, name, description, workflowData, createdBy, scheduledAt = scheduledAt?.UtcDateTime });
    }

    /// <summary>Replaces name, description and canvas; running executions keep the canvas they started with.</summary>
    public async Task<CampaignRow?> UpdateCampaignAsync(string workspaceId, Guid id, string name, string? description, string workflowData,
        DateTimeOffset? scheduledAt)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<CampaignRow>("""
            update campaigns set name = @name, description = @description, workflow_data = @workflowData::jsonb, scheduled_at = @scheduledAt
            where workspace_id = @workspaceId and id = @id returning *
            """, new { workspaceId, id, name, description, workflowData, scheduledAt = scheduledAt?.UtcDateTime });
    }

    /// <summary>Moves a campaign to <paramref name="status"/> from one of <paramref name="from"/>; null when it was in none.</summary>
    public async Task<CampaignRow?> SetCampaignStatusAsync(string workspaceId, Guid id, string status, string[] from)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<CampaignRow>("""
            update campaigns set status = @status,
                started_at = case when @status = 'active' then coalesce(started_at, now()) else started_at end,
                completed_at = case when @status = 'completed' then now() else completed_at end
            where workspace_id = @workspaceId and id = @id and status = any(@from) returning *
            """, new { workspaceId, id, status, from });
    }

    /// <summary>How many people an audience has now, and how many of them each channel can reach.</summary>
    public async Task<AudienceSize> SizeAsync(string workspaceId, AudienceDefinition definition)
    {
        var (sql, bind) = AudienceQuery.Build(workspaceId, definition, options.Segments);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"""
            select count(*), count(*) filter (where email is not null), count(*) filter (where phone is not null),
                   count(*) filter (where has_whatsapp), count(*) filter (where manychat_subscriber_id is not null)
            from ({sql}) a
            """, connection) { CommandTimeout = 120 };
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new AudienceSize(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }
}

/// <summary>An audience's size before launch, and how many of its people each channel reaches.</summary>
internal sealed record AudienceSize(long Total, long WithEmail, long WithPhone, long WithWhatsapp, long WithManyChat);
