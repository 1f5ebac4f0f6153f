using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Aggregation.Endpoints;

/// <summary>A page of a list.</summary>
internal sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>The checks every list shares, by parameter name, and the ProblemDetails they become.</summary>
internal static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static Dictionary<string, string[]> Validate(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
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

    /// <summary>The workspace check of lists and reports scoped to one workspace.</summary>
    public static void RequireWorkspace(Dictionary<string, string[]> errors, string? workspaceId, string what)
    {
        if (string.IsNullOrWhiteSpace(workspaceId))
        {
            errors["workspaceId"] = [$"The workspaceId query parameter is required: {what} are read one workspace at a time."];
        }
    }

    /// <summary>An ISO 4217 code (three letters), upper-cased; an error when present and not one.</summary>
    public static string? Currency(Dictionary<string, string[]> errors, string? currency, bool required)
    {
        if (string.IsNullOrWhiteSpace(currency))
        {
            if (required)
            {
                errors["currency"] = ["The currency query parameter is required (an ISO 4217 code such as BRL): amounts in different currencies are never added together."];
            }
            return null;
        }
        var code = currency.Trim().ToUpperInvariant();
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            errors["currency"] = [$"currency '{currency}' is not an ISO 4217 code (three letters, such as BRL or USD)."];
            return null;
        }
        return code;
    }

    /// <summary>A date (<c>2024-01-01</c>, taken as UTC midnight) or an instant with an offset.</summary>
    public static DateTimeOffset? Instant(Dictionary<string, string[]> errors, string name, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[name] = [$"The {name} query parameter is required: a date such as 2024-01-01 or an instant such as 2024-01-01T00:00:00-03:00."];
            }
            return null;
        }
        if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed.ToUniversalTime();
        }
        errors[name] = [$"{name} '{value}' is not a date (2024-01-01) or an ISO 8601 instant (2024-01-01T00:00:00-03:00)."];
        return null;
    }

    /// <summary>An error when <paramref name="value"/> is present and not one of <paramref name="allowed"/>.</summary>
    public static void OneOf(Dictionary<string, string[]> errors, string name, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors[name] = [$"{name} '{value}' is not one of: {string.Join(", ", allowed)}."];
        }
    }

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title) =>
        TypedResults.ValidationProblem(errors, title: title, detail: string.Join(" ", errors.Values.SelectMany(e => e)));

    public static (int Page, int Size, int Skip) Resolve(int? page, int? pageSize, int defaultSize = DefaultPageSize)
    {
        var current = page ?? 1;
        var size = pageSize ?? defaultSize;
        return (current, size, (current - 1) * size);
    }
}
