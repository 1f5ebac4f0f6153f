using System;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Aggregation.Persistence.Migrations
{
    /// <summary>cs_customers: the SGT company (empresa) and the customer-success team's notes (notas_csm).</summary>
    [DbContext(typeof(AggregationDbContext))]
    [Migration("20261202160000_CsCustomerNotesAndCompany")]
    public partial class CsCustomerNotesAndCompany : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "empresa", schema: "aggregation", table: "cs_customers", type: "text", nullable: true);
            migrationBuilder.AddColumn<string>(name: "notas_csm", schema: "aggregation", table: "cs_customers", type: "text", nullable: true);
            migrationBuilder.AddColumn<DateTimeOffset>(name: "notas_csm_updated_at", schema: "aggregation", table: "cs_customers",
                type: "timestamp with time zone", nullable: true);
            migrationBuilder.AddColumn<string>(name: "notas_csm_updated_by", schema: "aggregation", table: "cs_customers", type: "text", nullable: true);
            migrationBuilder.CreateIndex(name: "ix_cs_customers_workspace_empresa", schema: "aggregation", table: "cs_customers",
                columns: new[] { "workspace_id", "empresa" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(name: "ix_cs_customers_workspace_empresa", schema: "aggregation", table: "cs_customers");
            migrationBuilder.DropColumn(name: "empresa", schema: "aggregation", table: "cs_customers");
            migrationBuilder.DropColumn(name: "notas_csm", schema: "aggregation", table: "cs_customers");
            migrationBuilder.DropColumn(name: "notas_csm_updated_at", schema: "aggregation", table: "cs_customers");
            migrationBuilder.DropColumn(name: "notas_csm_updated_by", schema: "aggregation", table: "cs_customers");
        }
    }
}
