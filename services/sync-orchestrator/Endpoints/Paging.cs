using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.SyncOrchestrator.Endpoints;

/// <summary>A page of a list.</summary>
internal sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>The paging and workspace checks every list shares.</summary>
internal static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Problems with the common parameters, by parameter name.</summary>
    public static Dictionary<string, string[]> Validate(string? workspaceId, int? page, int? pageSize, string what)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(workspaceId))
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

    public static (int Page, int Size, int Skip) Resolve(int? page, int? pageSize)
    {
        var current = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        return (current, size, (current - 1) * size);
    }
}

/// <summary>ProblemDetails a person can act on.</summary>
internal static class Problems
{
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title) =>
        TypedResults.ValidationProblem(errors, title: title, detail: string.Join(" ", errors.Values.SelectMany(e => e)));

    public static ValidationProblem Invalid(string field, string message, string title) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] }, title);

    public static ProblemHttpResult NotFound(string what, Guid id, string hint) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"{what} {id} was not found. {hint}");

    public static ProblemHttpResult Conflict(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, extensions: extensions);
}

/// <summary>Who is calling: the gateway forwards the operator's key name as <c>X-Operator</c> (and strips any sent by clients).</summary>
internal static class OperatorName
{
    public const string Header = "X-Operator";

    public static string? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var name = http.Request.Headers[Header].ToString().Trim();
        return name.Length == 0 ? null : name.Length > 64 ? name[..64] : name;
    }
}
