namespace Platform.Campaigns.Tests;

/// <summary>Campaign canvases as the command center's @xyflow/react editor saves them.</summary>
public static class Canvas
{
    public static object Node(string id, string type, object data) => new { id, type, position = new { x = 0, y = 0 }, data };

    public static object Edge(string source, string target, string? handle = null) =>
        new { id = $"{source}-{target}", source, target, sourceHandle = handle };

    public static object Email(string subject = "Sentimos sua falta, {{first_name}}",
        string html = """<p>Olá {{first_name}}!</p><p><a href="https://loja.example.com/volta?c=1">Voltar à loja</a> ou <a href="https://loja.example.com/ofertas">ver ofertas</a></p>""")
        => new { channel = "email", subject, html };

    /// <summary>trigger → audience → email.</summary>
    public static object Simple(object trigger, object? audience, object? channel = null) => new
    {
        nodes = new[]
        {
            Node("trigger", "trigger", trigger),
            Node("audience", "audience", audience ?? new { definition = new { } }),
            Node("email", "channel", channel ?? Email()),
        },
        edges = new[] { Edge("trigger", "audience"), Edge("audience", "email") },
    };
}
