using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.ServiceDefaults.Privacy;

namespace Platform.ServiceDefaults;

/// <summary>Applies a service's migrations; run at startup and by <c>--migrate-only</c>.</summary>
public interface IDatabaseMigrator
{
    Task MigrateAsync(CancellationToken cancellationToken);
}

public static class PlatformDatabaseExtensions
{
    /// <summary>Name of the migrations history table inside every service's own schema.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>Key of the data source whose connections keep the session state set up by <c>sessionSetup</c>.</summary>
    public const string SessionStateSource = "platform-session-state";

    /// <summary>
    /// Registers the service's DbContext on PostgreSQL (connection string <c>Platform</c>), its own schema and
    /// migrations history, a shared <see cref="NpgsqlDataSource"/> for bulk paths, a readiness check, and
    /// migrations applied at startup before the bus starts (call this before <c>AddPlatformMessaging</c>).
    /// </summary>
    /// <param name="builder">The service's host builder.</param>
    /// <param name="schema">The service's own schema (its search_path and migrations history).</param>
    /// <param name="sessionSetup">
    /// SQL run once on every new physical connection of a second data source, registered under
    /// <see cref="SessionStateSource"/> (its temp tables), whose session state is then kept: its pooled connections come
    /// back without the reset (<c>DISCARD ALL</c>) that drops temp tables, session settings and session advisory locks.
    /// Only for work whose session state is temp tables that empty at commit (<c>on commit delete rows</c>) and
    /// transaction-scoped locks and settings (aggregation: five temp tables created a batch cost ~18 ms, and even
    /// <c>create temp table if not exists</c> of an existing one costs about a millisecond). The default data source
    /// stays without it: a connection opened for anything else does not pay the setup (bench e2e: 35 connections
    /// opened by busy consumers spent 13 s of database time creating temp tables they never used).
    /// </param>
    public static IHostApplicationBuilder AddPlatformDatabase<TContext>(this IHostApplicationBuilder builder, string schema,
        string? sessionSetup = null)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString("Platform")
            ?? throw new InvalidOperationException(
                "ConnectionStrings:Platform is not set. Set it in appsettings.json or the ConnectionStrings__Platform environment variable.");

        // search_path = the service's schema: unqualified SQL (bulk paths, the connectors' shared schema-less
        // model) lands in the service's own schema and nowhere else.
        var dataSource = new NpgsqlDataSourceBuilder(connectionString);
        dataSource.ConnectionStringBuilder.SearchPath = $"\"{schema}\"";
        // Statements run often are prepared on each physical connection (Npgsql keeps them across pooled resets): the
        // webhook path and the batch paths run the same few statements thousands of times, and parsing and planning
        // each one again was a third of the connector's database CPU (bench e2e 20k: its sessions 11 -> 8 CPU-s, end to
        // end 511 -> 569 records/s). Database:MaxAutoPrepare=0 turns it off (needed behind a transaction-mode PgBouncer
        // older than 1.21, which cannot keep prepared statements); a connection string's own value wins.
        if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = builder.Configuration.GetValue("Database:MaxAutoPrepare", 64);
        }
        if (sessionSetup is not null)
        {
            var sessions = new NpgsqlDataSourceBuilder(dataSource.ConnectionString);
            sessions.ConnectionStringBuilder.NoResetOnClose = true;
            sessions.UsePhysicalConnectionInitializer(
                connection =>
                {
                    using var command = new NpgsqlCommand(sessionSetup, connection);
                    command.ExecuteNonQuery();
                },
                async connection =>
                {
                    await using var command = new NpgsqlCommand(sessionSetup, connection);
                    await command.ExecuteNonQueryAsync();
                });
            builder.Services.AddKeyedSingleton(SessionStateSource, (_, _) => sessions.Build());
        }
        builder.Services.AddSingleton(_ => dataSource.Build());
        builder.Services.AddDbContext<TContext>((services, options) =>
            options.UseNpgsql(
                services.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, schema)));

        builder.Services.AddSingleton<IDatabaseMigrator, DatabaseMigrator<TContext>>();
        builder.Services.AddPrivacyParticipant();
        // Database:MigrateOnStartup=false: the login has no DDL rights and a migration Job (--migrate-only) runs them.
        if (builder.Configuration.GetValue("Database:MigrateOnStartup", true))
        {
            builder.Services.AddHostedService<MigrateOnStartup>();
        }
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>(
            "postgres", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}

internal sealed class DatabaseMigrator<TContext>(IServiceScopeFactory scopes, ILogger<DatabaseMigrator<TContext>> logger)
    : IDatabaseMigrator where TContext : DbContext
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        // Not GetPendingMigrationsAsync: on a fresh database it queries the missing history table and logs an error.
        logger.LogInformation("Applying migrations of {Context} ({Count} known)", typeof(TContext).Name, context.Database.GetMigrations().Count());
        await context.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>Registered before the bus so no consumer runs against a missing table.</summary>
internal sealed class MigrateOnStartup(IEnumerable<IDatabaseMigrator> migrators) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var migrator in migrators)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The exception goes to the log (health check failures are logged), never into the readiness body.
            return HealthCheckResult.Unhealthy("PostgreSQL unreachable", ex);
        }
    }
}
