using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Aggregation.Persistence.Migrations
{
    /// <summary>merged_clients: the survivor's version at the merge, so a late link to a merged client cannot undo a later split.</summary>
    [DbContext(typeof(AggregationDbContext))]
    [Migration("20261202220000_MergedClientSurvivorVersion")]
    public partial class MergedClientSurvivorVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(name: "survivor_version", schema: "aggregation", table: "merged_clients", type: "bigint", nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(name: "survivor_version", schema: "aggregation", table: "merged_clients");
        }
    }
}
