using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Platform.Connectors.ManyChat.Persistence;

/// <summary>
/// What the ManyChat connector keeps beside the SDK's tables (same schema, own migrations history): the workspace's
/// clients as identity resolution announced them (who to look up), and every tag pushed back to ManyChat.
/// Reads and writes go through Npgsql; EF only migrates.
/// </summary>
public sealed class ManyChatDbContext(DbContextOptions<ManyChatDbContext> options) : DbContext(options)
{
    public const string HistoryTable = "__ef_manychat_history";

    public DbSet<ManyChatClientRow> Clients => Set<ManyChatClientRow>();
    public DbSet<TagPushRow> TagPushes => Set<TagPushRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new ManyChatClientRowConfiguration());
        modelBuilder.ApplyConfiguration(new TagPushRowConfiguration());
    }
}

/// <summary>A client of the workspace (from ClientUpdated): its email and phone to look up, its subscriber once known.</summary>
public sealed class ManyChatClientRow
{
    public required string WorkspaceId { get; set; }
    public Guid ClientId { get; set; }
    public long Version { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? SubscriberId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One tag for one client: why, where it stands, what ManyChat answered.</summary>
public sealed class TagPushRow
{
    public long Id { get; set; }
    public required string WorkspaceId { get; set; }
    public Guid ClientId { get; set; }
    public required string Tag { get; set; }
    /// <summary>The rule that asked for it (<c>became_client</c>, <c>purchase_status:abandoned</c>).</summary>
    public required string Rule { get; set; }
    /// <summary><c>pending</c>, <c>waiting_subscriber</c>, <c>pushed</c>, <c>already_present</c>, <c>failed</c>.</summary>
    public required string Status { get; set; }
    public string? SubscriberId { get; set; }
    public int Attempts { get; set; }
    public string? Answer { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? PushedAt { get; set; }
}

internal sealed class ManyChatClientRowConfiguration : IEntityTypeConfiguration<ManyChatClientRow>
{
    public void Configure(EntityTypeBuilder<ManyChatClientRow> row)
    {
        row.ToTable("manychat_clients");
        row.HasKey(c => new { c.WorkspaceId, c.ClientId });
        row.Property(c => c.WorkspaceId).HasColumnName("workspace_id");
        row.Property(c => c.ClientId).HasColumnName("client_id");
        row.Property(c => c.Version).HasColumnName("version");
        row.Property(c => c.Email).HasColumnName("email");
        row.Property(c => c.Phone).HasColumnName("phone");
        row.Property(c => c.SubscriberId).HasColumnName("subscriber_id");
        row.Property(c => c.UpdatedAt).HasColumnName("updated_at");
    }
}

internal sealed class TagPushRowConfiguration : IEntityTypeConfiguration<TagPushRow>
{
    public void Configure(EntityTypeBuilder<TagPushRow> row)
    {
        row.ToTable("manychat_tag_pushes");
        row.HasKey(p => p.Id);
        row.Property(p => p.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        row.Property(p => p.WorkspaceId).HasColumnName("workspace_id");
        row.Property(p => p.ClientId).HasColumnName("client_id");
        row.Property(p => p.Tag).HasColumnName("tag");
        row.Property(p => p.Rule).HasColumnName("rule");
        row.Property(p => p.Status).HasColumnName("status");
        row.Property(p => p.SubscriberId).HasColumnName("subscriber_id");
        row.Property(p => p.Attempts).HasColumnName("attempts");
        row.Property(p => p.Answer).HasColumnName("answer");
        row.Property(p => p.Error).HasColumnName("error");
        row.Property(p => p.RequestedAt).HasColumnName("requested_at");
        row.Property(p => p.NextAttemptAt).HasColumnName("next_attempt_at");
        row.Property(p => p.PushedAt).HasColumnName("pushed_at");
        // One push per client and tag: a redelivered or repeated event adds nothing.
        row.HasIndex(p => new { p.WorkspaceId, p.ClientId, p.Tag }).IsUnique().HasDatabaseName("ux_manychat_tag_pushes");
        row.HasIndex(p => new { p.Status, p.NextAttemptAt }).HasDatabaseName("ix_manychat_tag_pushes_due");
    }
}

/// <summary>For <c>dotnet ef migrations add</c> only.</summary>
internal sealed class ManyChatDesignTimeFactory : IDesignTimeDbContextFactory<ManyChatDbContext>
{
    public ManyChatDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ManyChatDbContext>()
            .UseNpgsql("Host=127.0.0.1;Port=55432;Database=platform;Username=platform;Password=platform",
                npgsql => npgsql.MigrationsHistoryTable(ManyChatDbContext.HistoryTable))
            .Options);
}
