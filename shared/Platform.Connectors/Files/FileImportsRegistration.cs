using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Connectors.Files.Persistence;
using Platform.Connectors.Hosting;
using Platform.ServiceDefaults;

namespace Platform.Connectors.Files;

/// <summary>The formats a connector accepts.</summary>
public sealed class FileImportsBuilder(IServiceCollection services)
{
    public FileImportsBuilder AddFormat<TFormat>() where TFormat : class, IFileFormat
    {
        services.AddSingleton<IFileFormat, TFormat>();
        return this;
    }
}

public static class FileImportsRegistration
{
    /// <summary>
    /// File intake for a connector: <c>/api/imports</c> (map it with <c>MapFileImportEndpoints</c>), the import
    /// worker, and the file_imports tables (migrated at startup with the connector's schema).
    /// </summary>
    public static ConnectorBuilder AddFileImports(this ConnectorBuilder connector, Action<FileImportsBuilder> formats)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(formats);
        var services = connector.Host.Services;
        var schema = connector.Descriptor.Schema;
        services.AddSingleton(connector.Host.Configuration.GetSection("Connector:Files").Get<FileImportOptions>() ?? new FileImportOptions());
        services.AddSingleton<FileImportStore>();
        services.AddSingleton<FileImportSignal>();
        services.AddSingleton<FileImporter>();
        services.AddSingleton<FileIntake>();
        services.AddHostedService<FileImportWorker>();
        services.AddDbContext<FileImportsDbContext>((provider, options) => options.UseNpgsql(
            provider.GetRequiredService<NpgsqlDataSource>(),
            npgsql => npgsql.MigrationsHistoryTable(FileImportsDbContext.HistoryTable, schema)));
        services.AddSingleton<IDatabaseMigrator, FileImportsMigrator>();
        formats(new FileImportsBuilder(services));
        return connector;
    }
}

internal sealed class FileImportsMigrator(IServiceScopeFactory scopes, ILogger<FileImportsMigrator> logger) : IDatabaseMigrator
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<FileImportsDbContext>();
        logger.LogInformation("Applying migrations of {Context}", nameof(FileImportsDbContext));
        await context.Database.MigrateAsync(cancellationToken);
    }
}
