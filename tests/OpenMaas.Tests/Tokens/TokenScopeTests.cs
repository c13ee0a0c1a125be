using OpenMaas.Core.Tokens;

namespace OpenMaas.Tests.Tokens;

public sealed class TokenScopeTests
{
    [Theory]
    [InlineData("karpathy/stories260K", true)]
    [InlineData("karpathy/stories260K-b", false)]
    [InlineData("Karpathy/stories260K", false)]
    [InlineData("qwen/Qwen3-8B", true)]
    [InlineData("qwen/", false)]
    [InlineData("qwenx/a", false)]
    public void Allows_MatchesExactIdsAndOwnerPatterns(string model, bool allowed)
    {
        var scope = new TokenScope { Models = ["karpathy/stories260K", "qwen/*"] };
        Assert.Equal(allowed, scope.Allows(model));
    }

    [Fact]
    public void NoPatterns_AllowsEveryModel()
    {
        Assert.True(TokenScope.Unrestricted.Allows("any/model"));
        Assert.True(new TokenScope { DailyCalls = 3 }.Allows("any/model"));
    }

    [Theory]
    [InlineData("a/b,c/*", null)]
    [InlineData(" a/b , c/* ", null)]
    [InlineData("*", null)]
    [InlineData("", null)]
    [InlineData("a/b,*", "'*' is not a Model ID")]
    [InlineData("a", "'a' is not a Model ID")]
    [InlineData("a/*/b", "'a/*/b' is not a Model ID")]
    [InlineData("*/b", "'*/b' is not a Model ID")]
    public void ParseModels_AcceptsIdsAndOwnerPatterns(string text, string? error)
    {
        var result = TokenRules.ParseModels(text, out var models);
        if (error is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.StartsWith(error, result?.Message);
            Assert.Equal("models", result?.Field);
            Assert.Empty(models);
        }
    }

    [Fact]
    public void StoredPatterns_RoundTrip()
    {
        var scope = TokenScope.From(TokenScope.Store(["a/b", "c/*"]), 10);
        Assert.Equal(["a/b", "c/*"], scope.Models);
        Assert.Equal(10, scope.DailyCalls);
        Assert.Same(TokenScope.Unrestricted, TokenScope.From(null, null));
    }
}
