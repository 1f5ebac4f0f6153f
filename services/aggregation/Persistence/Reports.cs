using Npgsql;
using NpgsqlTypes;

namespace Platform.Aggregation.Persistence;

internal sealed record YearCurrencyRow(int Year, string Currency, int Sales, decimal Revenue, int Customers);

internal sealed record YearRow(int Year, int Sales, int Customers);

internal sealed record TopCustomerRow(Guid ClientId, string? DisplayName, string? Email, decimal TotalRevenue, int TotalSales,
    decimal AverageDealValue, DateTimeOffset? FirstPurchaseAt, DateTimeOffset? LastPurchaseAt);

internal sealed record CustomerSinceRow(Guid ClientId, string? DisplayName, string? Email, int Sales, DateTimeOffset FirstSaleAt, DateTimeOffset LastSaleAt);

internal sealed record ClientCurrencyRow(Guid ClientId, string Currency, int Sales, decimal Revenue);

/// <summary>
/// The sales team's questions, in SQL over counted sales (won deals and paid, not superseded payments; revenue net of
/// refunds and disputes). Amounts are grouped by currency and never added across currencies.
/// </summary>
internal sealed class Reports(NpgsqlDataSource dataSource)
{
    private const string Counted = """
        s.workspace_id = @w and s.is_counted and (@source::text is null or s.source = @source) and (@currency::text is null or s.currency = @currency)
        """;

    public async Task<(List<YearRow> Years, List<YearCurrencyRow> ByCurrency)> SalesPerYearAsync(
        string workspaceId, string? source, string? currency, string timeZone, CancellationToken cancellationToken)
    {
        var years = new List<YearRow>();
        await using (var command = Command($"""
            select extract(year from s.occurred_at at time zone @tz)::int, count(*)::int, count(distinct s.client_id)::int
            from sales s where {Counted} group by 1 order by 1
            """, workspaceId, source, currency, ("tz", timeZone)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                years.Add(new YearRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
            }
        }
        var byCurrency = new List<YearCurrencyRow>();
        await using (var command = Command($"""
            select extract(year from s.occurred_at at time zone @tz)::int, coalesce(s.currency, ''), count(*)::int,
                coalesce(sum(s.net_amount), 0), count(distinct s.client_id)::int
            from sales s where {Counted} group by 1, 2 order by 1, 2
            """, workspaceId, source, currency, ("tz", timeZone)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byCurrency.Add(new YearCurrencyRow(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetDecimal(3), reader.GetInt32(4)));
            }
        }
        return (years, byCurrency);
    }

    public async Task<(List<TopCustomerRow> Rows, int Total)> TopCustomersAsync(
        string workspaceId, string currency, int skip, int take, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select c.client_id, k.display_name, k.primary_email, c.total_revenue, c.total_sales, c.average_deal_value,
                c.first_purchase_at, c.last_purchase_at, count(*) over ()::int
            from customer_sales c left join clients k on k.client_id = c.client_id
            where c.workspace_id = @w and c.currency = @currency and c.total_sales > 0
            order by c.total_revenue desc, c.total_sales desc, c.client_id
            offset @skip limit @take
            """);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("currency", currency);
        command.Parameters.AddWithValue("skip", skip);
        command.Parameters.AddWithValue("take", take);
        var rows = new List<TopCustomerRow>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TopCustomerRow(reader.GetGuid(0), Text(reader, 1), Text(reader, 2), reader.GetDecimal(3), reader.GetInt32(4),
                reader.GetDecimal(5), Instant(reader, 6), Instant(reader, 7)));
            total = reader.GetInt32(8);
        }
        if (rows.Count == 0 && skip > 0)
        {
            total = await CountAsync("select count(*)::int from customer_sales c where c.workspace_id = @w and c.currency = @currency and c.total_sales > 0",
                workspaceId, null, currency, cancellationToken);
        }
        return (rows, total);
    }

    public async Task<(List<CustomerSinceRow> Rows, List<ClientCurrencyRow> Revenue, int Total)> CustomersWithSalesSinceAsync(
        string workspaceId, DateTimeOffset since, string? source, string? currency, int skip, int take, CancellationToken cancellationToken)
    {
        var rows = new List<CustomerSinceRow>();
        await using (var command = Command($"""
            select s.client_id, k.display_name, k.primary_email, count(*)::int, min(s.occurred_at), max(s.occurred_at)
            from sales s left join clients k on k.client_id = s.client_id
            where {Counted} and s.occurred_at >= @since and s.client_id is not null
            group by s.client_id, k.display_name, k.primary_email
            order by max(s.occurred_at) desc, s.client_id
            offset @skip limit @take
            """, workspaceId, source, currency, ("since", since), ("skip", skip), ("take", take)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new CustomerSinceRow(reader.GetGuid(0), Text(reader, 1), Text(reader, 2), reader.GetInt32(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }
        var total = await CountAsync($"""
            select count(distinct s.client_id)::int from sales s where {Counted} and s.occurred_at >= @since and s.client_id is not null
            """, workspaceId, source, currency, cancellationToken, ("since", since));
        var revenue = new List<ClientCurrencyRow>();
        if (rows.Count > 0)
        {
            await using var command = Command($"""
                select s.client_id, s.currency, count(*)::int, coalesce(sum(s.net_amount), 0)
                from sales s
                where {Counted} and s.occurred_at >= @since and s.client_id = any(@clients) and s.currency is not null
                group by 1, 2 order by 1, 2
                """, workspaceId, source, currency, ("since", since), ("clients", rows.Select(r => r.ClientId).ToArray()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                revenue.Add(new ClientCurrencyRow(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetDecimal(3)));
            }
        }
        return (rows, revenue, total);
    }

    private async Task<int> CountAsync(string sql, string workspaceId, string? source, string? currency, CancellationToken cancellationToken,
        params (string Name, object Value)[] extra)
    {
        await using var command = Command(sql, workspaceId, source, currency, extra);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private NpgsqlCommand Command(string sql, string workspaceId, string? source, string? currency, params (string Name, object Value)[] extra)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = (object?)source ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("currency", NpgsqlDbType.Text) { Value = (object?)currency ?? DBNull.Value });
        foreach (var (name, value) in extra)
        {
            command.Parameters.Add(AggregationStore.Parameter(name, value));
        }
        return command;
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Instant(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}
