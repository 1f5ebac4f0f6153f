using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Aggregation.Persistence.Migrations;

/// <summary>
/// client_records and customer_activities are keyed by what identifies a row (the record at its source; for an activity,
/// with its dedupe key): their unique index becomes the primary key, and the key on <c>id</c>, which nothing looked a row
/// up by, goes. Every linked record wrote an entry into each of the two id keys. <c>id</c> stays (an identity column: it
/// orders the activity timeline). The outbox's created_at index goes too: an event lives for one round trip, and the
/// relay's look for stale events (every 15 s) reads the few rows there are.
/// </summary>
[DbContext(typeof(AggregationDbContext))]
[Migration("20261204000000_NaturalKeys")]
public partial class NaturalKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        alter table aggregation.client_records drop constraint pk_client_records;
        alter table aggregation.client_records add constraint pk_client_records primary key using index ux_client_records_key;
        alter table aggregation.customer_activities drop constraint pk_customer_activities;
        alter table aggregation.customer_activities add constraint pk_customer_activities primary key using index ux_customer_activities_record_key;
        drop index aggregation.ix_outbox_created;
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        alter table aggregation.client_records drop constraint pk_client_records;
        create unique index ux_client_records_key on aggregation.client_records (workspace_id, source, external_id, entity_type);
        alter table aggregation.client_records add constraint pk_client_records primary key (id);
        alter table aggregation.customer_activities drop constraint pk_customer_activities;
        create unique index ux_customer_activities_record_key
            on aggregation.customer_activities (workspace_id, source, external_id, entity_type, dedupe_key);
        alter table aggregation.customer_activities add constraint pk_customer_activities primary key (id);
        create index ix_outbox_created on aggregation.outbox (created_at);
        """);
}
