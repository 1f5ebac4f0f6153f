using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Platform.Campaigns.Persistence.Migrations;

/// <summary>The campaign builder's tables (names as the users know them), the audience copy and the two views.</summary>
[DbContext(typeof(CampaignsDbContext))]
[Migration("20261202150000_Initial")]
internal sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("drop schema campaigns cascade");

    private const string Sql = """
        create schema if not exists campaigns;
        set local search_path = campaigns;

        create function touch_updated_at() returns trigger language plpgsql as $$
        begin
            new.updated_at := now();
            return new;
        end $$;

        -- The audience copy: what campaigns needs from identity resolution's and aggregation's events.
        create table audience_members (
            workspace_id text not null,
            client_id uuid primary key,
            version bigint not null default 0,
            display_name text,
            first_name text,
            email text,
            phone text,
            manychat_subscriber_id text,
            has_whatsapp boolean not null default false,
            sources text[] not null default '{}',
            tags text[] not null default '{}',
            is_cs_customer boolean not null default false,
            became_client_at timestamptz,
            opted_out_at timestamptz,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now()
        );
        create index ix_audience_members_workspace on audience_members (workspace_id);
        create trigger audience_members_touch before update on audience_members for each row execute function touch_updated_at();

        create table audience_sales (
            workspace_id text not null,
            client_id uuid not null,
            currency char(3) not null,
            total_sales integer not null,
            total_revenue numeric(18,2) not null,
            first_purchase_at timestamptz,
            last_purchase_at timestamptz,
            updated_at timestamptz not null default now(),
            primary key (client_id, currency)
        );
        create index ix_audience_sales_workspace on audience_sales (workspace_id);

        -- Clients folded into another by a merge: later events about them are ignored.
        create table merged_clients (
            client_id uuid primary key,
            survivor_client_id uuid not null,
            workspace_id text not null,
            merged_at timestamptz not null default now()
        );

        -- LGPD erasures: the client id and salted hashes of its identifiers, never the values.
        create table suppressions (
            workspace_id text not null,
            value_hash text not null,
            reason text not null,
            created_at timestamptz not null default now(),
            primary key (workspace_id, value_hash)
        );

        create table audiences (
            id uuid primary key default gen_random_uuid(),
            workspace_id text not null,
            name text not null,
            description text,
            definition jsonb not null,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            unique (workspace_id, name)
        );
        create trigger audiences_touch before update on audiences for each row execute function touch_updated_at();

        create table target_group_mappings (
            id uuid primary key default gen_random_uuid(),
            workspace_id text not null,
            crm_name text not null,
            postgres_table text,
            audience_id uuid references audiences (id),
            description text,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            unique (workspace_id, crm_name),
            constraint target_group_source check ((postgres_table is null) <> (audience_id is null))
        );
        create trigger target_group_mappings_touch before update on target_group_mappings for each row execute function touch_updated_at();

        create table campaigns (
            id uuid primary key default gen_random_uuid(),
            workspace_id text not null,
            name text not null,
            description text,
            status text not null default 'draft' check (status in ('draft', 'active', 'paused', 'completed')),
            workflow_data jsonb not null default '{"nodes": [], "edges": []}',
            created_by text,
            scheduled_at timestamptz,
            started_at timestamptz,
            completed_at timestamptz,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now()
        );
        create index ix_campaigns_workspace on campaigns (workspace_id, created_at desc);
        create trigger campaigns_touch before update on campaigns for each row execute function touch_updated_at();

        create table campaign_executions (
            id uuid primary key default gen_random_uuid(),
            campaign_id uuid not null references campaigns (id) on delete cascade,
            workspace_id text not null,
            execution_type text not null check (execution_type in ('manual', 'scheduled', 'triggered')),
            status text not null default 'running' check (status in ('running', 'completed', 'failed', 'cancelled')),
            -- What started it: the trigger's key makes a redelivered trigger or a second scheduler tick a no-op.
            trigger_key text,
            execution_data jsonb not null default '{}',
            metrics jsonb not null default '{}',
            error text,
            started_at timestamptz not null default now(),
            completed_at timestamptz,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            unique (campaign_id, trigger_key)
        );
        create index ix_campaign_executions_running on campaign_executions (status) where status = 'running';
        create trigger campaign_executions_touch before update on campaign_executions for each row execute function touch_updated_at();

        create table campaign_recipients (
            id uuid primary key default gen_random_uuid(),
            campaign_id uuid not null references campaigns (id) on delete cascade,
            execution_id uuid not null references campaign_executions (id) on delete cascade,
            workspace_id text not null,
            customer_id uuid not null,
            -- The workflow node (a channel step) this row delivers; one row per person and step of an execution.
            step_id text not null,
            email text,
            phone text,
            channel text not null check (channel in ('email', 'sms', 'phone', 'push', 'manychat', 'webhook')),
            status text not null default 'pending' check (status in ('pending', 'sent', 'delivered', 'opened', 'clicked', 'failed')),
            failure_reason text,
            tracking_token text not null default replace(gen_random_uuid()::text, '-', '') unique,
            due_at timestamptz not null default now(),
            -- Delivery bookkeeping: who holds the row, and when a send was attempted (set before the send: a row
            -- attempted but not settled after a crash is never sent again).
            claimed_by uuid,
            claimed_until timestamptz,
            attempted_at timestamptz,
            -- Set when the row's successors (waits, branches, next steps) were materialised.
            advanced_at timestamptz,
            sent_at timestamptz,
            delivered_at timestamptz,
            opened_at timestamptz,
            clicked_at timestamptz,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            unique (execution_id, customer_id, step_id)
        );
        create index ix_campaign_recipients_due on campaign_recipients (due_at) where status = 'pending';
        create index ix_campaign_recipients_unadvanced on campaign_recipients (execution_id) where advanced_at is null;
        create index ix_campaign_recipients_campaign on campaign_recipients (campaign_id, status);
        create index ix_campaign_recipients_customer on campaign_recipients (workspace_id, customer_id);
        create trigger campaign_recipients_touch before update on campaign_recipients for each row execute function touch_updated_at();

        -- Campaigns running now, with how many people they reached.
        create view active_campaigns as
        select c.id, c.workspace_id, c.name, c.description, c.status, c.created_by, c.scheduled_at, c.started_at,
               count(r.id) as total_recipients,
               count(r.id) filter (where r.status = 'pending') as pending_recipients,
               count(r.id) filter (where r.sent_at is not null) as sent_recipients,
               count(r.id) filter (where r.status = 'failed') as failed_recipients
        from campaigns c
        left join campaign_recipients r on r.campaign_id = c.id
        where c.status = 'active'
        group by c.id;

        -- Delivery, open and click rates per campaign (rates in [0, 1]; opened and clicked are over delivered).
        create view campaign_metrics as
        select c.id as campaign_id, c.workspace_id, c.name,
               count(r.id) as total_recipients,
               count(r.id) filter (where r.sent_at is not null) as sent,
               count(r.id) filter (where r.delivered_at is not null) as delivered,
               count(r.id) filter (where r.opened_at is not null) as opened,
               count(r.id) filter (where r.clicked_at is not null) as clicked,
               count(r.id) filter (where r.status = 'failed') as failed,
               round(count(r.id) filter (where r.delivered_at is not null)::numeric
                     / nullif(count(r.id) filter (where r.sent_at is not null or r.status = 'failed'), 0), 4) as delivery_rate,
               round(count(r.id) filter (where r.opened_at is not null)::numeric
                     / nullif(count(r.id) filter (where r.delivered_at is not null), 0), 4) as open_rate,
               round(count(r.id) filter (where r.clicked_at is not null)::numeric
                     / nullif(count(r.id) filter (where r.delivered_at is not null), 0), 4) as click_rate
        from campaigns c
        left join campaign_recipients r on r.campaign_id = c.id
        group by c.id;
        """;
}
