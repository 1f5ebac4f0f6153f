using Platform.Connectors.Csv.Mapping;
using Platform.Connectors.Files;
using Platform.Connectors.Hosting;

namespace Platform.Connectors.Csv.Hosting;

public static class CsvRegistration
{
    /// <summary>The source name of rows imported from files.</summary>
    public const string Source = "csv";

    /// <summary>File imports in every format the users bring: ManyChat, GoHighLevel and Hotmart exports, and any other CSV.</summary>
    public static ConnectorBuilder AddCsvFormats(this ConnectorBuilder connector) =>
        connector.AddFileImports(formats => formats
            .AddFormat<ManyChatExportFormat>()
            .AddFormat<GoHighLevelContactsFormat>()
            .AddFormat<HotmartSalesFormat>()
            .AddFormat<GenericFormat>());
}
