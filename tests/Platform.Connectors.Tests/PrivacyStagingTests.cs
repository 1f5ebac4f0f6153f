using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Connectors.Privacy;
using Platform.Connectors.Staging;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using Platform.ServiceDefaults.Privacy;

namespace Platform.Connectors.Tests;

/// <summary>
/// LGPD in the connector SDK against a real database: the suppression list keeps an erased person out of staged pages
/// and webhook bodies until a consent lifts it; the connector's erasure removes every raw row of the person; retention
/// prunes old payloads of a workspace with a period and keeps the canonical record.
/// </summary>
public sealed class PrivacyStagingTests(LocatedWebhookFixture fixture) : IClassFixture<LocatedWebhookFixture>
{
    private static CanonicalRecord Record(string id, string email, string phone, string note = "n") => new()
    {
        Source = "located",
        EntityType = EntityType.Contact,
        ExternalId = id,
        SourceUpdatedAt = DateTimeOffset.UtcNow,
        Identifiers = [new Identifier(IdentifierKinds.Email, email), new Identifier(IdentifierKinds.Phone, phone)],
        Attributes = new Dictionary<string, string?> { ["note"] = note },
    };

    private static StagedRecordInput Input(CanonicalRecord record) =>
        new("contacts", JsonSerializer.Serialize(new { id = record.ExternalId, email = record.Identifiers[0].Value, phone = record.Identifiers[1].Value }), record);

    private Task<int> StageAsync(string workspace, params CanonicalRecord[] records) => StageAsync(workspace, UnifyMode.Now, records);

    private async Task<int> StageAsync(string workspace, UnifyMode unify, params CanonicalRecord[] records)
    {
        var staging = fixture.Services.GetRequiredService<StagingStore>();
        await using var connection = await fixture.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var staged = await staging.StageAsync(connection, transaction, new StagingContext(workspace, Guid.NewGuid(), Guid.NewGuid(), unify),
            records.Select(Input).ToList(), CancellationToken.None);
        await transaction.CommitAsync();
        return staged;
    }

    private static string Workspace(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_suppressed_person_is_not_staged_again_in_their_workspace_until_a_consent_lifts_it()
    {
        var workspace = Workspace("supp");
        var other = Workspace("supp-o");
        var list = fixture.Services.GetRequiredService<SuppressionList>();
        var salt = RandomNumberGenerator.GetBytes(32);
        // The gateway hashes identity resolution's normalised values; the page arrives spelled as the source spells it.
        await list.AddAsync(workspace, salt, [SuppressionKey.Hash(salt, "email", "maria.silva@example.com")!, SuppressionKey.Hash(salt, "phone", "+5511987654321")!],
            CancellationToken.None);

        var staged = await StageAsync(workspace,
            Record("c1", "Maria.Silva@Example.com", "(11) 90000-0001"),
            Record("c2", "someone@example.com", "011 98765 4321"),
            Record("c3", "joao@example.com", "(21) 91111-2222"));
        var elsewhere = await StageAsync(other, Record("c1", "Maria.Silva@Example.com", "(11) 90000-0001"));

        Assert.Equal(1, staged); // only João: Maria by her email, c2 by the same phone written another way
        Assert.Equal(1, elsewhere); // another workspace's list is its own
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @w and payload ilike '%maria%'", ("w", workspace)));

        var webhook = await fixture.Services.GetRequiredService<StagingStore>().StageWebhookAsync(new StagingContext(workspace, Guid.NewGuid()),
            $"evt-{Guid.NewGuid():N}", "contact.updated", """{"email":"maria.silva@example.com"}""", [Input(Record("c1", "maria.silva@example.com", "x"))],
            CancellationToken.None);
        Assert.Equal(0, webhook.NewRows);
        Assert.Equal(0, await fixture.CountAsync("select count(*) from webhook_events where workspace_id = @w and body ilike '%maria%'", ("w", workspace)));

        await list.LiftAsync(workspace, [SuppressionKey.Hash(salt, "email", "maria.silva@example.com")!, SuppressionKey.Hash(salt, "phone", "11987654321")!],
            CancellationToken.None);
        Assert.Equal(1, await StageAsync(workspace, Record("c1", "Maria.Silva@Example.com", "(11) 90000-0001")));
    }

    [Fact]
    public async Task A_record_whose_mapping_reads_no_email_is_still_kept_out_when_its_payload_names_a_suppressed_email()
    {
        var workspace = Workspace("supp-p");
        var salt = RandomNumberGenerator.GetBytes(32);
        await fixture.Services.GetRequiredService<SuppressionList>().AddAsync(workspace, salt, [SuppressionKey.Hash(salt, "email", "maria.silva@example.com")!],
            CancellationToken.None);
        var dispute = new CanonicalRecord
        {
            Source = "located",
            EntityType = EntityType.Transaction,
            ExternalId = "dp_1",
            SourceUpdatedAt = DateTimeOffset.UtcNow,
            Identifiers = [new Identifier(IdentifierKinds.StripeCustomerId, "cus_x")],
        };
        var other = dispute with { ExternalId = "dp_2" };
        var staging = fixture.Services.GetRequiredService<StagingStore>();
        await using var connection = await fixture.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        var staged = await staging.StageAsync(connection, transaction, new StagingContext(workspace, Guid.NewGuid(), Guid.NewGuid(), UnifyMode.Now),
        [
            new StagedRecordInput("disputes", """{"id":"dp_1","evidence":{"customer_email_address":"Maria.Silva@Example.COM"}}""", dispute),
            new StagedRecordInput("disputes", """{"id":"dp_2","evidence":{"customer_email_address":"ana.maria.silva@example.com"}}""", other),
        ], CancellationToken.None);
        await transaction.CommitAsync();

        Assert.Equal(1, staged); // another address that contains hers is someone else
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @w and payload ilike '%\"maria.silva@%'", ("w", workspace)));
    }

    [Fact]
    public async Task The_connectors_erasure_removes_every_raw_row_of_the_person_and_suppresses_them_but_keeps_everyone_else()
    {
        var workspace = Workspace("erase");
        Assert.Equal(3, await StageAsync(workspace,
            Record("p1", "ana@example.com", "+55 (11) 97777-6666"),
            Record("p2", "x@example.com", "11977776666", note: "same phone, digits only"),
            Record("keep", "joana@example.com", "(11) 95555-4444")));
        // One of hers waits for "Unify all" (deferred): its queued id goes with the row.
        Assert.Equal(1, await StageAsync(workspace, UnifyMode.Deferred, Record("p3", "ana@example.com", "+55 (11) 97777-6666")));
        var participant = fixture.Services.GetRequiredService<IPrivacyParticipant>();
        var salt = RandomNumberGenerator.GetBytes(32);
        var subject = new PrivacySubject
        {
            WorkspaceId = workspace,
            Identifiers = [new SubjectIdentifier("email", "ana@example.com"), new SubjectIdentifier("phone", "+5511977776666")],
            Salt = Convert.ToBase64String(salt),
            SuppressionHashes = [SuppressionKey.Hash(salt, "email", "ana@example.com")!, SuppressionKey.Hash(salt, "phone", "+5511977776666")!],
        };

        var access = await participant.AccessAsync(subject, CancellationToken.None);
        var erasure = await participant.EraseAsync(subject, CancellationToken.None);

        Assert.Equal(3, access.Rows.Count(r => r.Table == "raw_records"));
        Assert.Equal(access.Rows.Select(r => r.Key.ToString()).Order(), erasure.Rows.Select(r => r.Key.ToString()).Order());
        Assert.Equal(1, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @w", ("w", workspace)));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_record_outbox o where not exists (select 1 from raw_records r where r.id = o.id)"));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_record_deferred where workspace_id = @w", ("w", workspace)));
        Assert.Equal(0, await StageAsync(workspace, Record("p1", "ana@example.com", "+55 (11) 97777-6666", note: "back from a backfill")));
    }

    [Fact]
    public async Task Retention_prunes_old_payloads_of_a_workspace_with_a_period_keeping_the_canonical_record_and_the_version()
    {
        var pruned = Workspace("ret");
        var kept = Workspace("ret-k");
        var record = Record("r1", "old@example.com", "(11) 93333-2222");
        Assert.Equal(1, await StageAsync(pruned, record));
        Assert.Equal(1, await StageAsync(kept, record));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Connectors:located:Workspaces:{pruned}:RawRetentionDays"] = "30",
        }).Build();
        var retention = new RawRetention(fixture.Services.GetRequiredService<NpgsqlDataSource>(), configuration, new ConnectorDescriptor("located"),
            new RetentionOptions(), new Later(TimeSpan.FromDays(31)));

        Assert.True(await retention.PruneAsync(CancellationToken.None) >= 1);

        Assert.Equal(30, retention.DaysFor(pruned));
        Assert.Null(retention.DaysFor(kept));
        Assert.Equal(1, await fixture.CountAsync("""
            select count(*) from raw_records where workspace_id = @w and payload = '' and payload_pruned_at is not null
              and canonical->>'externalId' = 'r1'
            """, ("w", pruned)));
        Assert.Equal(1, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @w and payload like '%old@example.com%'", ("w", kept)));
        Assert.Equal(0, await StageAsync(pruned, record)); // a pruned version is still known: the next sync does not stage it again
    }

    /// <summary>A clock some days ahead: rows staged now are that old to it.</summary>
    private sealed class Later(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + ahead;
    }
}
