using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Platform.Gateway.Keys.Migrations;

/// <summary>Operator keys: only a salted hash of each secret is kept; a deleted key stays, revoked, for the record.</summary>
[DbContext(typeof(GatewayDbContext))]
[Migration("20261202210000_OperatorKeys")]
internal sealed class OperatorKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        create schema if not exists gateway;
        create table gateway.operator_keys (
            id uuid primary key,
            name text not null,
            role text not null check (role in ('admin', 'operator', 'viewer')),
            -- null: every workspace
            workspaces text[],
            salt bytea not null,
            hash bytea not null,
            created_at timestamptz not null default now(),
            created_by text not null,
            revoked_at timestamptz,
            revoked_by text
        );
        create unique index ux_operator_keys_active_name on gateway.operator_keys (name) where revoked_at is null;
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("drop table gateway.operator_keys");
}
