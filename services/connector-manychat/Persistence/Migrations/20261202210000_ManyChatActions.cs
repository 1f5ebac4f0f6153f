using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Connectors.ManyChat.Persistence.Migrations;

/// <summary>
/// Campaigns' ManyChat actions (raw SQL, read and written through Npgsql only; the EF model keeps the tables EF
/// created): one row per <c>RunManyChatAction.ActionId</c>, so a redelivered command never calls ManyChat twice and is
/// answered again from what was recorded. Clients merged by identity resolution keep their row, pointing at the survivor
/// (<c>merged_into</c>), so a late event about a merged-away client lands on the survivor.
/// </summary>
[DbContext(typeof(ManyChatDbContext))]
[Migration("20261202210000_ManyChatActions")]
public partial class ManyChatActions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            create table if not exists manychat_actions (
                action_id uuid primary key,
                workspace_id text not null,
                correlation_id uuid not null,
                campaign_id uuid not null,
                client_id uuid not null,
                subscriber_id text not null,
                kind text not null,
                flow_ns text,
                tag_name text,
                status text not null,
                attempts integer not null default 0,
                answer text,
                reason text,
                requested_at timestamptz not null,
                claimed_at timestamptz,
                finished_at timestamptz);
            create index if not exists ix_manychat_actions_client on manychat_actions (workspace_id, client_id);

            alter table manychat_clients add column if not exists merged_into uuid;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("drop table if exists manychat_actions; alter table manychat_clients drop column if exists merged_into;");
    }
}
