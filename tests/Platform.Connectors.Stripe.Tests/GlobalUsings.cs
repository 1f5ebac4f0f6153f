global using Platform.Connectors.Stripe.Api;
global using Platform.Connectors.Stripe.Domain;
global using Platform.Connectors.Stripe.Mapping;
global using Platform.Connectors.Stripe.Streams;
