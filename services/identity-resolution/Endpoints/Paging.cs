using Microsoft.AspNetCore.Http.HttpResults;
using Platform.IdentityResolution.Domain.Resolution;

namespace Platform.IdentityResolution.Endpoints;

/// <summary>A page of a list.</summary>
internal sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>The paging and workspace checks every list shares, and turning operator outcomes into HTTP results.</summary>
internal static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Problems with the common parameters, by parameter name (<paramref name="what"/> null: no workspace needed).</summary>
    public static Dictionary<string, string[]> Validate(string? workspaceId, int? page, int? pageSize, string? what)
    {
        var errors = new Dictionary<string, string[]>();
        if (what is not null && string.IsNullOrWhiteSpace(workspaceId))
        {
            errors["workspaceId"] = [$"The workspaceId query parameter is required: {what} are listed one workspace at a time."];
        }
        if (page is < 1)
        {
            errors["page"] = ["page starts at 1."];
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }
        return errors;
    }

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title) =>
        TypedResults.ValidationProblem(errors, title: title, detail: string.Join(" ", errors.Values.SelectMany(e => e)));

    public static (int Page, int Size, int Skip) Resolve(int? page, int? pageSize)
    {
        var current = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        return (current, size, (current - 1) * size);
    }

    public static ProblemHttpResult Problem(OperatorProblem problem) =>
        TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail);
}
