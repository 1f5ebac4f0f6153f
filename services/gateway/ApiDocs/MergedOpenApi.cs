using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Yarp.ReverseProxy;

namespace Platform.Gateway.ApiDocs;

/// <summary>
/// <c>/openapi/v1.json</c>: one OpenAPI 3.1 document for the whole platform. The gateway reads each service's own
/// document (<c>/openapi/v1.json</c> at its cluster address), keeps its <c>/api</c> paths, renames schemas that two
/// services define differently, adds its own endpoints (session, live progress), the two ways to authenticate and
/// the ProblemDetails answers the gateway itself gives (401, 403, 502–504), and fills in what a service left out:
/// a summary from the operation's name and an example from the response's schema.
/// </summary>
internal sealed class MergedOpenApi(
    IHttpClientFactory clients, IProxyStateLookup proxy, [FromKeyedServices("v1")] IOpenApiDocumentProvider own, ILogger<MergedOpenApi> logger)
{
    public const string HttpClientName = "openapi-merge";
    private static readonly TimeSpan Fetch = TimeSpan.FromSeconds(5);

    public async Task<JsonObject> BuildAsync(CancellationToken cancellationToken)
    {
        var merged = new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Customer data platform API",
                ["version"] = "v1",
                ["description"] = "Every service's /api endpoints, as the gateway serves them. Authenticate with an operator API key " +
                    "(X-Api-Key) or the web app's session cookie (POST /api/session). Errors are ProblemDetails (application/problem+json).",
                ["license"] = new JsonObject { ["name"] = "Proprietary", ["identifier"] = "LicenseRef-Proprietary" },
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "the gateway" }),
            ["security"] = new JsonArray(new JsonObject { ["ApiKey"] = new JsonArray() }, new JsonObject { ["Session"] = new JsonArray() }),
            ["tags"] = new JsonArray(),
            ["paths"] = new JsonObject(),
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(),
                ["securitySchemes"] = new JsonObject
                {
                    ["ApiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Api-Key", ["description"] = "An operator API key." },
                    ["Session"] = new JsonObject { ["type"] = "apiKey", ["in"] = "cookie", ["name"] = "cc_session", ["description"] = "The web app's session (POST /api/session)." },
                },
            },
        };

        var sources = new List<(string Service, JsonObject? Document)>
        {
            ("gateway", JsonNode.Parse(await (await own.GetOpenApiDocumentAsync(cancellationToken)).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken)) as JsonObject),
        };
        var fetched = await Task.WhenAll(Services().Select(async s => (s.Service, await FetchAsync(s.Address, s.Service, cancellationToken))));
        sources.AddRange(fetched);
        var missing = new List<string>();
        foreach (var (service, document) in sources)
        {
            if (document is null)
            {
                missing.Add(service);
                continue;
            }
            Merge(merged, service, document);
        }
        if (missing.Count > 0)
        {
            merged["info"]!["description"] += $" Not included (no answer at build time): {string.Join(", ", missing)}.";
        }
        Complete(merged);
        return merged;
    }

    /// <summary>Every cluster with an <c>/api</c> route, once, with its first destination.</summary>
    private IEnumerable<(string Service, string Address)> Services()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in proxy.GetRoutes())
        {
            var path = route.Config.Match.Path ?? "";
            if (!path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || route.Cluster is not { } cluster || !seen.Add(cluster.ClusterId))
            {
                continue;
            }
            if (cluster.Model.Config.Destinations?.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value).FirstOrDefault() is { } destination)
            {
                yield return (cluster.ClusterId, destination.Address);
            }
        }
    }

    private async Task<JsonObject?> FetchAsync(string address, string service, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Fetch);
            var text = await clients.CreateClient(HttpClientName).GetStringAsync(new Uri(new Uri(address.TrimEnd('/') + "/"), "openapi/v1.json"), timeout.Token);
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("No OpenAPI document from {Service}: {Error}", service, ex.Message);
            return null;
        }
    }

    private static void Merge(JsonObject merged, string service, JsonObject document)
    {
        var schemas = merged["components"]!["schemas"]!.AsObject();
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document["components"]?["schemas"] is JsonObject theirs)
        {
            foreach (var (name, schema) in theirs)
            {
                if (schemas[name] is { } existing && !JsonNode.DeepEquals(existing, schema))
                {
                    renames[name] = $"{name}_{Pascal(service)}";
                }
            }
            if (renames.Count > 0)
            {
                RewriteRefs(document, renames);
            }
            foreach (var (name, schema) in theirs.ToList())
            {
                var key = renames.GetValueOrDefault(name, name);
                schemas[key] ??= schema?.DeepClone();
            }
        }
        var paths = merged["paths"]!.AsObject();
        foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
        {
            if (path.StartsWith("/api/", StringComparison.Ordinal) && item is not null && paths[path] is null)
            {
                paths[path] = item.DeepClone();
            }
        }
        var tags = merged["tags"]!.AsArray();
        foreach (var operation in Operations(document))
        {
            foreach (var tag in operation["tags"]?.AsArray() ?? [])
            {
                if (tag?.GetValue<string>() is { } name && !tags.Any(t => t!["name"]!.GetValue<string>() == name))
                {
                    tags.Add(new JsonObject { ["name"] = name, ["description"] = $"{name} ({service})" });
                }
            }
        }
    }

    /// <summary>Summaries, security, the gateway's own error answers and examples where a service left them out.</summary>
    private static void Complete(JsonObject merged)
    {
        var schemas = merged["components"]!["schemas"]!.AsObject();
        schemas["ProblemDetails"] ??= new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = new JsonArray("null", "string") },
                ["title"] = new JsonObject { ["type"] = new JsonArray("null", "string") },
                ["status"] = new JsonObject { ["type"] = new JsonArray("null", "integer"), ["format"] = "int32" },
                ["detail"] = new JsonObject { ["type"] = new JsonArray("null", "string") },
                ["instance"] = new JsonObject { ["type"] = new JsonArray("null", "string") },
                ["correlationId"] = new JsonObject { ["type"] = "string" },
            },
        };
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in merged["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                if (node is not JsonObject operation || method is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }
                var id = operation["operationId"]?.GetValue<string>() ?? $"{method}{Pascal(path)}";
                while (!operationIds.Add(id))
                {
                    id += "_";
                }
                operation["operationId"] = id;
                operation["summary"] ??= Sentence(id);
                var responses = operation["responses"] as JsonObject ?? (JsonObject)(operation["responses"] = new JsonObject());
                if (!path.StartsWith("/api/session", StringComparison.Ordinal) || method != "post")
                {
                    responses["401"] ??= Problem("No session and no valid operator API key.", 401, "Missing or invalid API key");
                    responses["403"] ??= Problem("A session calling outside its workspace, or before choosing one.", 403, "Another workspace");
                }
                if (responses.Any(r => r.Key is "400" or "404" or "409") is false && (operation["parameters"] is JsonArray { Count: > 0 } || operation["requestBody"] is not null))
                {
                    responses["400"] ??= Problem("The request is invalid: the problem's errors say which field and why.", 400, "The request is invalid");
                }
                responses["502"] ??= Problem("The service behind the gateway is unavailable.", 502, "The service is unavailable");
                foreach (var (status, response) in responses.ToList())
                {
                    if (response is not JsonObject answer)
                    {
                        continue;
                    }
                    answer["description"] ??= status.StartsWith('2') ? "OK" : "Error";
                    foreach (var (mediaType, content) in answer["content"]?.AsObject() ?? [])
                    {
                        if (content is JsonObject media && media["example"] is null && media["examples"] is null && media["schema"] is { } schema)
                        {
                            if (mediaType.Contains("json", StringComparison.Ordinal) && Example(schema, schemas, 0) is { } example)
                            {
                                media["example"] = example;
                            }
                            else if (mediaType == "text/event-stream")
                            {
                                media["example"] = "event: runs\ndata: {\"items\":[],\"page\":1,\"pageSize\":20,\"total\":0}\n\n";
                            }
                        }
                    }
                }
                if (operation["requestBody"]?["content"] is JsonObject bodies)
                {
                    foreach (var (_, content) in bodies)
                    {
                        if (content is JsonObject media && media["example"] is null && media["schema"] is { } schema && Example(schema, schemas, 0) is { } example)
                        {
                            media["example"] = example;
                        }
                    }
                }
            }
        }
    }

    private static JsonObject Problem(string description, int status, string title) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject
        {
            ["application/problem+json"] = new JsonObject
            {
                ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ProblemDetails" },
                ["example"] = new JsonObject
                {
                    ["type"] = "https://tools.ietf.org/html/rfc9110",
                    ["title"] = title,
                    ["status"] = status,
                    ["detail"] = description,
                    ["correlationId"] = "8f14e45f-ceea-467f-a8f2-9d3c0b7e5a21",
                },
            },
        },
    };

    /// <summary>An example value that matches the schema (objects to a small depth, one item per array).</summary>
    private static JsonNode? Example(JsonNode schema, JsonObject schemas, int depth)
    {
        if (depth > 6 || schema is not JsonObject s)
        {
            return null;
        }
        if (s["example"] is { } given)
        {
            return given.DeepClone();
        }
        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            return schemas[reference.Split('/')[^1]] is { } target ? Example(target, schemas, depth + 1) : null;
        }
        if (s["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (s[combinator] is JsonArray { Count: > 0 } options)
            {
                return options.Select(o => Example(o!, schemas, depth + 1)).FirstOrDefault(e => e is not null);
            }
        }
        var types = s["type"] switch
        {
            JsonValue v => [v.GetValue<string>()],
            JsonArray a => a.Select(t => t!.GetValue<string>()).ToList(),
            _ => s["properties"] is not null ? ["object"] : new List<string>(),
        };
        var type = types.FirstOrDefault(t => t != "null");
        var format = s["format"]?.GetValue<string>();
        switch (type)
        {
            case "object":
                var example = new JsonObject();
                foreach (var (name, property) in s["properties"]?.AsObject() ?? [])
                {
                    example[name] = property is null ? null : Example(property, schemas, depth + 1);
                }
                return example;
            case "array":
                var item = s["items"] is { } items ? Example(items, schemas, depth + 1) : null;
                return item is null ? new JsonArray() : new JsonArray(item);
            case "integer":
                return 1;
            case "number":
                return format is "double" or "float" ? 1.5 : 199.9;
            case "boolean":
                return true;
            case "string":
                return format switch
                {
                    "date-time" => "2026-01-15T12:00:00Z",
                    "date" => "2026-01-15",
                    "uuid" => "3f2b8c1e-6d4a-4e2b-9a7c-1b2c3d4e5f60",
                    "uri" => "https://example.com/",
                    _ => "string",
                };
            default:
                return s["pattern"] is not null ? null : JsonValue.Create("string");
        }
    }

    private static IEnumerable<JsonObject> Operations(JsonObject document) =>
        (document["paths"]?.AsObject() ?? []).SelectMany(p => p.Value?.AsObject().Select(o => o.Value).OfType<JsonObject>() ?? []);

    private static void RewriteRefs(JsonNode node, IReadOnlyDictionary<string, string> renames)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal)
                        && renames.TryGetValue(reference["#/components/schemas/".Length..], out var renamed))
                    {
                        o[key] = "#/components/schemas/" + renamed;
                    }
                    else if (value is not null)
                    {
                        RewriteRefs(value, renames);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        RewriteRefs(item, renames);
                    }
                }
                break;
        }
    }

    private static string Pascal(string text) =>
        string.Concat(text.Split(['-', '/', '{', '}', '.', '_'], StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary><c>ListClientSales</c> → "List client sales".</summary>
    private static string Sentence(string id)
    {
        var words = System.Text.RegularExpressions.Regex.Replace(id, "(?<=[a-z0-9])(?=[A-Z])", " ").Trim('_');
        return words.Length == 0 ? id : char.ToUpperInvariant(words[0]) + words[1..].ToLowerInvariant();
    }
}
