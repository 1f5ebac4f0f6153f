using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.SyncOrchestrator.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialOrchestratorSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "sync-orchestrator");

            migrationBuilder.CreateTable(
                name: "alerts",
                schema: "sync-orchestrator",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    webhook_status = table.Column<string>(type: "text", nullable: false),
                    webhook_attempts = table.Column<int>(type: "integer", nullable: false),
                    webhook_next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    webhook_last_error = table.Column<string>(type: "text", nullable: true),
                    webhook_delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    acknowledged_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alerts", x => x.id);
                    table.CheckConstraint("ck_alerts_kind", "kind in ('run_failed', 'run_stuck')");
                    table.CheckConstraint("ck_alerts_webhook_status", "webhook_status in ('not_configured', 'pending', 'delivered', 'failed')");
                });

            migrationBuilder.CreateTable(
                name: "schedules",
                schema: "sync-orchestrator",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    cron = table.Column<string>(type: "text", nullable: false),
                    quartz_cron = table.Column<string>(type: "text", nullable: false),
                    time_zone = table.Column<string>(type: "text", nullable: false),
                    mode = table.Column<string>(type: "text", nullable: false),
                    streams = table.Column<List<string>>(type: "text[]", nullable: false),
                    unify = table.Column<string>(type: "text", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    next_run_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_slot_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_outcome = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_schedules", x => x.id);
                    table.CheckConstraint("ck_schedules_mode", "mode in ('full', 'incremental')");
                    table.CheckConstraint("ck_schedules_unify", "unify in ('now', 'deferred')");
                });

            migrationBuilder.CreateTable(
                name: "sync_runs",
                schema: "sync-orchestrator",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    streams = table.Column<List<string>>(type: "text[]", nullable: false),
                    mode = table.Column<string>(type: "text", nullable: false),
                    range_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    range_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    unify = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    trigger = table.Column<string>(type: "text", nullable: false),
                    schedule_id = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by = table.Column<string>(type: "text", nullable: true),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    start_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_progress_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error_code = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    failed_stream = table.Column<string>(type: "text", nullable: true),
                    cancel_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancel_requested_by = table.Column<string>(type: "text", nullable: true),
                    cancel_reason = table.Column<string>(type: "text", nullable: true),
                    cancel_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stuck_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sync_runs", x => x.id);
                    table.CheckConstraint("ck_sync_runs_mode", "mode in ('full', 'incremental')");
                    table.CheckConstraint("ck_sync_runs_status", "status in ('requested', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled')");
                    table.CheckConstraint("ck_sync_runs_trigger", "trigger in ('operator', 'schedule')");
                    table.CheckConstraint("ck_sync_runs_unify", "unify in ('now', 'deferred')");
                });

            migrationBuilder.CreateTable(
                name: "unify_requests",
                schema: "sync-orchestrator",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    sync_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by = table.Column<string>(type: "text", nullable: true),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unify_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "schedule_firings",
                schema: "sync-orchestrator",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    schedule_id = table.Column<Guid>(type: "uuid", nullable: false),
                    slot_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_schedule_firings", x => x.id);
                    table.CheckConstraint("ck_schedule_firings_outcome", "outcome in ('started', 'skipped')");
                    table.ForeignKey(
                        name: "fk_schedule_firings_schedule",
                        column: x => x.schedule_id,
                        principalSchema: "sync-orchestrator",
                        principalTable: "schedules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sync_run_streams",
                schema: "sync-orchestrator",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    stream = table.Column<string>(type: "text", nullable: false),
                    records_fetched = table.Column<long>(type: "bigint", nullable: false),
                    records_staged = table.Column<long>(type: "bigint", nullable: false),
                    pages = table.Column<int>(type: "integer", nullable: false),
                    retries = table.Column<int>(type: "integer", nullable: false),
                    rate_limit_waits = table.Column<int>(type: "integer", nullable: false),
                    checkpoint = table.Column<string>(type: "text", nullable: true),
                    last_progress_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    watermark = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sync_run_streams", x => new { x.run_id, x.stream });
                    table.ForeignKey(
                        name: "fk_sync_run_streams_run",
                        column: x => x.run_id,
                        principalSchema: "sync-orchestrator",
                        principalTable: "sync_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "unify_request_sources",
                schema: "sync-orchestrator",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    waiting_at_request = table.Column<long>(type: "bigint", nullable: true),
                    published_at_request = table.Column<long>(type: "bigint", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unify_request_sources", x => new { x.request_id, x.source });
                    table.ForeignKey(
                        name: "fk_unify_request_sources_request",
                        column: x => x.request_id,
                        principalSchema: "sync-orchestrator",
                        principalTable: "unify_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_webhook_pending",
                schema: "sync-orchestrator",
                table: "alerts",
                column: "webhook_next_attempt_at",
                filter: "webhook_status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_workspace_created",
                schema: "sync-orchestrator",
                table: "alerts",
                columns: new[] { "workspace_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_alerts_run_kind",
                schema: "sync-orchestrator",
                table: "alerts",
                columns: new[] { "run_id", "kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_schedule_firings_slot",
                schema: "sync-orchestrator",
                table: "schedule_firings",
                columns: new[] { "schedule_id", "slot_at" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_schedules_due",
                schema: "sync-orchestrator",
                table: "schedules",
                column: "next_run_at",
                filter: "enabled");

            migrationBuilder.CreateIndex(
                name: "ux_schedules_workspace_source",
                schema: "sync-orchestrator",
                table: "schedules",
                columns: new[] { "workspace_id", "source" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sync_runs_active",
                schema: "sync-orchestrator",
                table: "sync_runs",
                column: "requested_at",
                filter: "status in ('requested', 'running', 'cancelling')");

            migrationBuilder.CreateIndex(
                name: "ix_sync_runs_workspace_requested",
                schema: "sync-orchestrator",
                table: "sync_runs",
                columns: new[] { "workspace_id", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sync_runs_workspace_source_status",
                schema: "sync-orchestrator",
                table: "sync_runs",
                columns: new[] { "workspace_id", "source", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_unify_requests_workspace_requested",
                schema: "sync-orchestrator",
                table: "unify_requests",
                columns: new[] { "workspace_id", "requested_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alerts",
                schema: "sync-orchestrator");

            migrationBuilder.DropTable(
                name: "schedule_firings",
                schema: "sync-orchestrator");

            migrationBuilder.DropTable(
                name: "sync_run_streams",
                schema: "sync-orchestrator");

            migrationBuilder.DropTable(
                name: "unify_request_sources",
                schema: "sync-orchestrator");

            migrationBuilder.DropTable(
                name: "schedules",
                schema: "sync-orchestrator");

            migrationBuilder.DropTable(
                name: "sync_runs",
                schema: "sync-orchestrator");

            migrationBuilder.DropTable(
                name: "unify_requests",
                schema: "sync-orchestrator");
        }
    }
}
