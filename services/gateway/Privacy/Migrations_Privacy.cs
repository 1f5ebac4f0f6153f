using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Platform.Gateway.Keys;

namespace Platform.Gateway.Privacy;

/// <summary>
/// LGPD requests: what was asked and how far each service got, never the person's values (only salted hashes, with a
/// per-workspace salt); consents that lifted a suppression; each workspace's salt and raw payload retention.
/// </summary>
[DbContext(typeof(GatewayDbContext))]
[Migration("20261203010000_PrivacyRequests")]
internal sealed class PrivacyRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        create schema if not exists gateway;
        create table gateway.privacy_salts (
            workspace_id text primary key,
            salt bytea not null,
            created_at timestamptz not null default now()
        );
        create table gateway.privacy_requests (
            id uuid primary key,
            workspace_id text not null,
            kind text not null check (kind in ('access', 'erasure')),
            subject_hashes text[] not null,
            suppression_hashes text[] not null default '{}',
            status text not null check (status in ('running', 'completed', 'failed')),
            services jsonb not null default '{}',
            document jsonb,
            requested_by text not null,
            created_at timestamptz not null,
            completed_at timestamptz
        );
        create index ix_privacy_requests_workspace on gateway.privacy_requests (workspace_id, created_at desc);
        create table gateway.privacy_consents (
            id uuid primary key,
            workspace_id text not null,
            subject_hashes text[] not null,
            lifted_hashes text[] not null,
            recorded_by text not null,
            recorded_at timestamptz not null
        );
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop table gateway.privacy_consents;
        drop table gateway.privacy_requests;
        drop table gateway.privacy_salts;
        """);
}
