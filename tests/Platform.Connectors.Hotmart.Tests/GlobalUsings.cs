global using Platform.Connectors.Hotmart.Api;
global using Platform.Connectors.Hotmart.Domain;
global using Platform.Connectors.Hotmart.Mapping;
global using Platform.Connectors.Hotmart.Streams;
