using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Connectors.Persistence.Migrations;

/// <summary>
/// The outbox gets a live lane: rows staged without a sync run (a webhook's) are marked <c>live</c> and the relay publishes
/// them before the rows of sync runs and releases waiting there, which a large "Unify all" queues by the hundred thousand
/// in id order ahead of them. A constant default: no table rewrite. Raw SQL, outside the EF model.
/// </summary>
[DbContext(typeof(ConnectorDbContext))]
[Migration("20261204190000_LiveOutboxLane")]
public partial class LiveOutboxLane : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            alter table raw_record_outbox add column if not exists live boolean not null default false;
            create index if not exists ix_raw_record_outbox_live on raw_record_outbox (id) where live;
            """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            drop index if exists ix_raw_record_outbox_live;
            alter table raw_record_outbox drop column if exists live;
            """);
}
