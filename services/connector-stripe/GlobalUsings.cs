// The webhook receiver (Domain/) reads the mapping.
global using Platform.Connectors.Stripe.Mapping;
