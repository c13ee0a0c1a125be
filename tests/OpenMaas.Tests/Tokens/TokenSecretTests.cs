using OpenMaas.Core.Tokens;

namespace OpenMaas.Tests.Tokens;

public sealed class TokenSecretTests
{
    [Fact]
    public void Generate_GivesMsPrefixAnd192RandomBits()
    {
        var a = TokenSecret.Generate();
        Assert.StartsWith("ms-", a, StringComparison.Ordinal);
        Assert.Equal(35, a.Length);
        Assert.True(TokenSecret.IsWellFormed(a));
        Assert.NotEqual(a, TokenSecret.Generate());
        Assert.Equal(a[..11], TokenSecret.Prefix(a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk-abcdefghijklmnopqrstuvwxyzABCDEF")]
    [InlineData("ms-short")]
    [InlineData("ms-abcdefghijklmnopqrstuvwxyz!@#$%^")]
    public void IsWellFormed_RejectsOtherShapes(string text) => Assert.False(TokenSecret.IsWellFormed(text));
}
