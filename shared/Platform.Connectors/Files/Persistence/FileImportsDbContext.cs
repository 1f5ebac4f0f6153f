using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Platform.Connectors.Files.Persistence;

/// <summary>
/// The file intake's tables, in the connector's schema beside raw_records, with their own migrations history
/// (<c>__ef_file_imports_history</c>) so connectors without file imports never get them and the SDK's staging
/// migrations evolve separately. Reads and writes go through Npgsql (COPY, set-based SQL); EF only migrates.
/// </summary>
public sealed class FileImportsDbContext(DbContextOptions<FileImportsDbContext> options) : DbContext(options)
{
    public const string HistoryTable = "__ef_file_imports_history";

    public DbSet<FileImportRow> Imports => Set<FileImportRow>();
    public DbSet<FileImportRejectionRow> Rejections => Set<FileImportRejectionRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new FileImportRowConfiguration());
        modelBuilder.ApplyConfiguration(new FileImportRejectionRowConfiguration());
    }
}

/// <summary>One uploaded file and where its import stands.</summary>
public sealed class FileImportRow
{
    public Guid Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Format { get; set; }
    public required string FileName { get; set; }
    /// <summary>Where the upload is spooled on the receiving instance until its import finishes.</summary>
    public required string SpoolPath { get; set; }
    /// <summary><c>received</c>, <c>awaiting_confirmation</c>, <c>staging</c>, <c>completed</c>, <c>failed</c>.</summary>
    public required string Status { get; set; }
    /// <summary><c>auto</c> (deferred over the threshold), <c>now</c> or <c>deferred</c>.</summary>
    public required string Unify { get; set; }
    /// <summary>Canonical field → column, given or guessed (JSON object).</summary>
    public string? Mapping { get; set; }
    public string[] Columns { get; set; } = [];
    public string? Encoding { get; set; }
    public string? Separator { get; set; }
    public long BytesTotal { get; set; }
    public long BytesRead { get; set; }
    public long RowsRead { get; set; }
    public long RowsStaged { get; set; }
    public long RowsUnchanged { get; set; }
    public long RowsRejected { get; set; }
    /// <summary>Rows staged deferred were released for unification.</summary>
    public DateTimeOffset? ReleasedAt { get; set; }
    public string? Error { get; set; }
    public Guid CorrelationId { get; set; }
    public string? RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>A row that was not staged: where it is, which column, why, and its text.</summary>
public sealed class FileImportRejectionRow
{
    public Guid ImportId { get; set; }
    public long Line { get; set; }
    public string? Column { get; set; }
    public required string Reason { get; set; }
    public required string Raw { get; set; }
}

internal sealed class FileImportRowConfiguration : IEntityTypeConfiguration<FileImportRow>
{
    public void Configure(EntityTypeBuilder<FileImportRow> row)
    {
        row.ToTable("file_imports");
        row.HasKey(i => i.Id);
        row.Property(i => i.Id).HasColumnName("id").ValueGeneratedNever();
        row.Property(i => i.WorkspaceId).HasColumnName("workspace_id");
        row.Property(i => i.Format).HasColumnName("format");
        row.Property(i => i.FileName).HasColumnName("file_name");
        row.Property(i => i.SpoolPath).HasColumnName("spool_path");
        row.Property(i => i.Status).HasColumnName("status");
        row.Property(i => i.Unify).HasColumnName("unify");
        row.Property(i => i.Mapping).HasColumnName("mapping").HasColumnType("jsonb");
        row.Property(i => i.Columns).HasColumnName("columns");
        row.Property(i => i.Encoding).HasColumnName("encoding");
        row.Property(i => i.Separator).HasColumnName("separator");
        row.Property(i => i.BytesTotal).HasColumnName("bytes_total");
        row.Property(i => i.BytesRead).HasColumnName("bytes_read");
        row.Property(i => i.RowsRead).HasColumnName("rows_read");
        row.Property(i => i.RowsStaged).HasColumnName("rows_staged");
        row.Property(i => i.RowsUnchanged).HasColumnName("rows_unchanged");
        row.Property(i => i.RowsRejected).HasColumnName("rows_rejected");
        row.Property(i => i.ReleasedAt).HasColumnName("released_at");
        row.Property(i => i.Error).HasColumnName("error");
        row.Property(i => i.CorrelationId).HasColumnName("correlation_id");
        row.Property(i => i.RequestedBy).HasColumnName("requested_by");
        row.Property(i => i.CreatedAt).HasColumnName("created_at");
        row.Property(i => i.StartedAt).HasColumnName("started_at");
        row.Property(i => i.FinishedAt).HasColumnName("finished_at");
        row.HasIndex(i => new { i.WorkspaceId, i.CreatedAt }).HasDatabaseName("ix_file_imports_workspace");
        row.HasIndex(i => i.Status).HasDatabaseName("ix_file_imports_status");
    }
}

internal sealed class FileImportRejectionRowConfiguration : IEntityTypeConfiguration<FileImportRejectionRow>
{
    public void Configure(EntityTypeBuilder<FileImportRejectionRow> row)
    {
        row.ToTable("file_import_rejections");
        row.HasKey(r => new { r.ImportId, r.Line });
        row.Property(r => r.ImportId).HasColumnName("import_id");
        row.Property(r => r.Line).HasColumnName("line");
        row.Property(r => r.Column).HasColumnName("column");
        row.Property(r => r.Reason).HasColumnName("reason");
        row.Property(r => r.Raw).HasColumnName("raw");
        row.HasOne<FileImportRow>().WithMany().HasForeignKey(r => r.ImportId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>For <c>dotnet ef migrations add --context FileImportsDbContext</c> only.</summary>
internal sealed class FileImportsDesignTimeFactory : IDesignTimeDbContextFactory<FileImportsDbContext>
{
    public FileImportsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FileImportsDbContext>()
            .UseNpgsql("Host=127.0.0.1;Port=55432;Database=platform;Username=platform;Password=platform",
                npgsql => npgsql.MigrationsHistoryTable(FileImportsDbContext.HistoryTable))
            .Options);
}
