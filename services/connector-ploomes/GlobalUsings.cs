// The webhook receiver (Domain/) reads the API, the mapping and the stream's credential check.
global using Platform.Connectors.Ploomes.Api;
global using Platform.Connectors.Ploomes.Mapping;
global using Platform.Connectors.Ploomes.Streams;
