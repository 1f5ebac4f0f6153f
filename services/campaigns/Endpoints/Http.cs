using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Campaigns.Endpoints;

/// <summary>A page of a list.</summary>
internal sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>The checks every endpoint shares, by parameter name, and the ProblemDetails they become.</summary>
internal static class Http
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    /// <summary>Who is calling: the gateway forwards the operator's key name as <c>X-Operator</c>.</summary>
    public const string OperatorHeader = "X-Operator";

    public static Dictionary<string, string[]> Validate(string? workspaceId, string what, int? page = null, int? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(workspaceId))
        {
            errors["workspaceId"] = [$"The workspaceId query parameter is required: {what} belong to one workspace."];
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

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static (int Page, int Size, int Skip) Resolve(int? page, int? pageSize)
    {
        var current = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        return (current, size, (current - 1) * size);
    }
}
