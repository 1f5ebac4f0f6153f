global using Platform.Connectors.Ploomes.Api;
global using Platform.Connectors.Ploomes.Domain;
global using Platform.Connectors.Ploomes.Mapping;
global using Platform.Connectors.Ploomes.Streams;
