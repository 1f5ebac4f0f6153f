// The webhook receiver (Domain/) reads the mapping.
global using Platform.Connectors.Hotmart.Mapping;
