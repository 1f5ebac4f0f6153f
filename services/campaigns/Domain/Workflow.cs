using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Campaigns.Domain;

/// <summary>
/// The campaign canvas (<c>workflow_data</c>, the nodes and edges of an @xyflow/react canvas) read as a program:
/// a trigger, an optional audience filter, then waits, channel steps and branches on opened/clicked.
/// </summary>
internal sealed class Workflow
{
    public const string Trigger = "trigger";
    public const string Audience = "audience";
    public const string Wait = "wait";
    public const string Channel = "channel";
    public const string Branch = "branch";
    public static readonly string[] NodeTypes = [Trigger, Audience, Wait, Channel, Branch];
    public static readonly string[] Channels = ["email", "manychat", "webhook"];
    public static readonly string[] TriggerKinds = ["manual", "schedule", "event"];
    /// <summary>Events a campaign can start on: a client became a customer; a cart was abandoned (Hotmart).</summary>
    public static readonly string[] TriggerEvents = ["became_client", "cart_abandoned"];

    private readonly Dictionary<string, WorkflowNode> _nodes;
    private readonly Dictionary<string, List<WorkflowEdge>> _out;

    private Workflow(Dictionary<string, WorkflowNode> nodes, List<WorkflowEdge> edges)
    {
        _nodes = nodes;
        _out = nodes.Keys.ToDictionary(k => k, k => edges.Where(e => e.Source == k).ToList(), StringComparer.Ordinal);
        TriggerNode = nodes.Values.Single(n => n.Type == Trigger);
        AudienceNode = nodes.Values.SingleOrDefault(n => n.Type == Audience);
    }

    public WorkflowNode TriggerNode { get; }
    public WorkflowNode? AudienceNode { get; }
    public string TriggerKind => TriggerNode.Str("kind") ?? "manual";
    public string? TriggerEvent => TriggerNode.Str("event");
    public DateTimeOffset? ScheduledAt => TriggerNode.Data["at"] is JsonValue v && v.TryGetValue<DateTimeOffset>(out var at) ? at
        : TriggerNode.Str("at") is { } s && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : null;

    public WorkflowNode Node(string id) => _nodes[id];

    public IEnumerable<WorkflowNode> ChannelNodes => _nodes.Values.Where(n => n.Type == Channel);

    /// <summary>Channel steps with no step after them (their rows need no advancing).</summary>
    public IEnumerable<string> TerminalChannelIds => ChannelNodes.Where(n => _out[n.Id].Count == 0).Select(n => n.Id);

    /// <summary>Where the people of an execution start: after the audience filter, or after the trigger when there is none.</summary>
    public string EntryNodeId => AudienceNode?.Id ?? TriggerNode.Id;

    /// <summary>The audience filter of the audience step: a saved audience's id, or an inline definition.</summary>
    public (Guid? AudienceId, AudienceDefinition? Definition) AudienceFilter()
    {
        if (AudienceNode is null)
        {
            return (null, null);
        }
        var id = AudienceNode.Str("audienceId");
        var definition = AudienceNode.Data["definition"] is JsonObject d ? d.Deserialize<AudienceDefinition>(Json.Options) : null;
        return (Guid.TryParse(id, out var g) ? g : null, definition);
    }

    /// <summary>
    /// The channel steps reached from after <paramref name="fromNodeId"/>, each with when it is due (base time plus the
    /// waits on the way). Branches are decided with <paramref name="decide"/>, given the branch's condition and the
    /// instant the decision is due; it returns null when that instant has not come yet, and then nothing is returned
    /// (<paramref name="undecided"/> is set) so the caller asks again later.
    /// </summary>
    public List<(string StepId, DateTimeOffset DueAt)> Next(string fromNodeId, DateTimeOffset baseTime, Func<string, DateTimeOffset, bool?> decide, out bool undecided)
    {
        var reached = new List<(string, DateTimeOffset)>();
        undecided = false;
        var stack = new Stack<(string Node, DateTimeOffset At)>();
        foreach (var edge in _out[fromNodeId])
        {
            stack.Push((edge.Target, baseTime));
        }
        while (stack.Count > 0)
        {
            var (id, at) = stack.Pop();
            var node = _nodes[id];
            switch (node.Type)
            {
                case Channel:
                    reached.Add((id, at));
                    break;
                case Wait:
                    foreach (var edge in _out[id])
                    {
                        stack.Push((edge.Target, at + node.WaitDuration()));
                    }
                    break;
                case Branch:
                    var yes = decide(node.Str("on") ?? "opened", at);
                    if (yes is null)
                    {
                        undecided = true;
                        return [];
                    }
                    var handle = yes.Value ? "yes" : "no";
                    foreach (var edge in _out[id].Where(e => string.Equals(e.Handle ?? "yes", handle, StringComparison.Ordinal)))
                    {
                        stack.Push((edge.Target, at));
                    }
                    break;
                default:
                    foreach (var edge in _out[id])
                    {
                        stack.Push((edge.Target, at));
                    }
                    break;
            }
        }
        return reached;
    }

    /// <summary>Reads and checks a canvas; the errors name the node or edge and what to fix.</summary>
    public static (Workflow? Workflow, Dictionary<string, string[]> Errors) Parse(JsonElement? json)
    {
        var errors = new Dictionary<string, string[]>();
        if (json is not { ValueKind: JsonValueKind.Object } root)
        {
            errors["workflowData"] = ["workflowData must be an object with nodes and edges (the canvas)."];
            return (null, errors);
        }
        var nodes = new Dictionary<string, WorkflowNode>(StringComparer.Ordinal);
        var edges = new List<WorkflowEdge>();
        if (!root.TryGetProperty("nodes", out var nodeArray) || nodeArray.ValueKind != JsonValueKind.Array)
        {
            errors["workflowData.nodes"] = ["workflowData.nodes must be an array of nodes ({id, type, data})."];
            return (null, errors);
        }
        var index = 0;
        foreach (var n in nodeArray.EnumerateArray())
        {
            var at = $"workflowData.nodes[{index++}]";
            var id = n.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var type = n.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrWhiteSpace(id))
            {
                errors[at + ".id"] = ["Every node needs a string id."];
                continue;
            }
            if (type is null || !NodeTypes.Contains(type, StringComparer.Ordinal))
            {
                errors[at + ".type"] = [$"Node '{id}' has type '{type}'; a node is one of: {string.Join(", ", NodeTypes)}."];
                continue;
            }
            if (!nodes.TryAdd(id, new WorkflowNode(id, type, n.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
                ? JsonNode.Parse(d.GetRawText())!.AsObject() : [])))
            {
                errors[at + ".id"] = [$"Node id '{id}' is used twice."];
            }
        }
        if (root.TryGetProperty("edges", out var edgeArray) && edgeArray.ValueKind == JsonValueKind.Array)
        {
            index = 0;
            foreach (var e in edgeArray.EnumerateArray())
            {
                var at = $"workflowData.edges[{index++}]";
                var source = e.TryGetProperty("source", out var s) ? s.GetString() : null;
                var target = e.TryGetProperty("target", out var t) ? t.GetString() : null;
                var handle = e.TryGetProperty("sourceHandle", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
                if (source is null || target is null || !nodes.ContainsKey(source) || !nodes.ContainsKey(target))
                {
                    errors[at] = [$"Edge {source} -> {target} names a node that does not exist."];
                    continue;
                }
                edges.Add(new WorkflowEdge(source, target, handle));
            }
        }
        var triggers = nodes.Values.Where(n => n.Type == Trigger).ToList();
        if (triggers.Count != 1)
        {
            errors["workflowData.nodes"] = [$"A workflow has exactly one trigger node; this one has {triggers.Count}."];
        }
        if (nodes.Values.Count(n => n.Type == Audience) > 1)
        {
            errors["workflowData.nodes"] = ["A workflow has at most one audience node."];
        }
        foreach (var node in nodes.Values)
        {
            CheckNode(node, errors);
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var workflow = new Workflow(nodes, edges);
        workflow.CheckShape(errors);
        return errors.Count > 0 ? (null, errors) : (workflow, errors);
    }

    private static void CheckNode(WorkflowNode node, Dictionary<string, string[]> errors)
    {
        var at = $"workflowData.nodes[{node.Id}]";
        switch (node.Type)
        {
            case Trigger:
                var kind = node.Str("kind") ?? "manual";
                if (!TriggerKinds.Contains(kind, StringComparer.Ordinal))
                {
                    errors[at + ".data.kind"] = [$"Trigger kind '{kind}' is not one of: {string.Join(", ", TriggerKinds)}."];
                }
                else if (kind == "event" && !TriggerEvents.Contains(node.Str("event") ?? "", StringComparer.Ordinal))
                {
                    errors[at + ".data.event"] = [$"An event trigger needs data.event, one of: {string.Join(", ", TriggerEvents)}."];
                }
                else if (kind == "schedule" && node.Str("at") is not { } when
                    || (kind == "schedule" && !DateTimeOffset.TryParse(node.Str("at"), System.Globalization.CultureInfo.InvariantCulture, out _)))
                {
                    errors[at + ".data.at"] = ["A schedule trigger needs data.at, an ISO 8601 instant (2026-12-24T09:00:00-03:00)."];
                }
                break;
            case Audience:
                var id = node.Str("audienceId");
                if (id is not null && !Guid.TryParse(id, out _))
                {
                    errors[at + ".data.audienceId"] = [$"audienceId '{id}' is not a saved audience id (a UUID)."];
                }
                if (node.Data["definition"] is JsonObject d)
                {
                    try
                    {
                        var definition = d.Deserialize<AudienceDefinition>(Json.Options)!;
                        foreach (var (k, v) in definition.Validate(at + ".data.definition"))
                        {
                            errors[k] = v;
                        }
                    }
                    catch (JsonException ex)
                    {
                        errors[at + ".data.definition"] = [$"The audience definition is not valid: {ex.Message}"];
                    }
                }
                break;
            case Wait:
                if (node.WaitDuration() <= TimeSpan.Zero)
                {
                    errors[at + ".data"] = ["A wait needs a positive data.minutes, data.hours or data.days."];
                }
                break;
            case Branch:
                var on = node.Str("on") ?? "opened";
                if (on is not ("opened" or "clicked"))
                {
                    errors[at + ".data.on"] = [$"A branch is on 'opened' or 'clicked', not '{on}'."];
                }
                break;
            case Channel:
                var channel = node.Str("channel");
                switch (channel)
                {
                    case "email":
                        if (string.IsNullOrWhiteSpace(node.Str("subject")) || string.IsNullOrWhiteSpace(node.Str("html")))
                        {
                            errors[at + ".data"] = ["An email step needs data.subject and data.html."];
                        }
                        break;
                    case "webhook":
                        if (!Uri.TryCreate(node.Str("url"), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                        {
                            errors[at + ".data.url"] = ["A webhook step needs data.url, an absolute http(s) address."];
                        }
                        break;
                    case "manychat":
                        if (string.IsNullOrWhiteSpace(node.Str("flowNs")) == string.IsNullOrWhiteSpace(node.Str("tag")))
                        {
                            errors[at + ".data"] = ["A ManyChat step needs exactly one of data.flowNs (run a flow) or data.tag (add a tag)."];
                        }
                        break;
                    default:
                        errors[at + ".data.channel"] = [$"Channel '{channel}' is not one of: {string.Join(", ", Channels)}."];
                        break;
                }
                break;
        }
    }

    private void CheckShape(Dictionary<string, string[]> errors)
    {
        // No cycles: a person must not loop through steps forever.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        bool Cycle(string id)
        {
            if (state.TryGetValue(id, out var s))
            {
                return s == 1;
            }
            state[id] = 1;
            if (_out[id].Any(e => Cycle(e.Target)))
            {
                return true;
            }
            state[id] = 2;
            return false;
        }
        if (_nodes.Keys.Any(Cycle))
        {
            errors["workflowData.edges"] = ["The workflow has a cycle; steps must lead forward only."];
            return;
        }
        // A branch decides on the last message's opens or clicks: one must come before it.
        foreach (var branch in _nodes.Values.Where(n => n.Type == Branch))
        {
            if (!Upstream(branch.Id).Any(n => _nodes[n].Type == Channel))
            {
                errors[$"workflowData.nodes[{branch.Id}]"] = ["A branch on opened/clicked needs a channel step before it."];
            }
        }
        if (!ChannelNodes.Any())
        {
            errors["workflowData.nodes"] = ["A workflow needs at least one channel step (email, manychat or webhook)."];
        }
        var unreachable = ChannelNodes.Where(n => !Upstream(n.Id).Contains(TriggerNode.Id)).Select(n => n.Id).ToList();
        if (unreachable.Count > 0)
        {
            errors["workflowData.edges"] = [$"Channel step(s) {string.Join(", ", unreachable)} cannot be reached from the trigger."];
        }
    }

    private HashSet<string> Upstream(string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([id]);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            foreach (var edge in _out.Values.SelectMany(e => e).Where(e => e.Target == current))
            {
                if (seen.Add(edge.Source))
                {
                    stack.Push(edge.Source);
                }
            }
        }
        return seen;
    }
}

/// <summary>One node of the canvas; <see cref="Data"/> is the node's settings.</summary>
internal sealed record WorkflowNode(string Id, string Type, JsonObject Data)
{
    public string? Str(string name) => Data[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public double Num(string name) => Data[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : 0;

    public TimeSpan WaitDuration() => TimeSpan.FromMinutes(Num("minutes")) + TimeSpan.FromHours(Num("hours")) + TimeSpan.FromDays(Num("days"));
}

internal sealed record WorkflowEdge(string Source, string Target, string? Handle);

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
