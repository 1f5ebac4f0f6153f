using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Tests.Normalisation;

/// <summary>What the logs may show of an identifier value: never the value itself.</summary>
public sealed class IdentifierMaskTests
{
    [Theory]
    [InlineData("email", "ana.souza@gmail.com")]
    [InlineData("phone", "+5511987654321")]
    [InlineData("cpf", "52998224725")]
    [InlineData("cnpj", "11222333000181")]
    [InlineData("stripe_customer_id", "cus_Nf3kP2")]
    public void A_masked_value_holds_neither_the_value_nor_its_local_part_or_number(string kind, string value)
    {
        var masked = IdentifierMask.Mask(kind, value);

        Assert.DoesNotContain(value, masked, StringComparison.Ordinal);
        Assert.DoesNotContain(value.Split('@')[0][1..], masked, StringComparison.Ordinal);
        Assert.True(masked.Length <= 12, masked);
    }
}
