using OpenMaas.Core;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Tests.Tokens;

/// <summary>The token and account rules the CLI, /api/v1 and the console all apply.</summary>
public sealed class TokenRulesTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData(1, null)]
    [InlineData(3650, null)]
    [InlineData(0, "expiresDays")]
    [InlineData(3651, "expiresDays")]
    public void CheckExpiry_AllowsOneToTenYears_OrNever(int? days, string? field) =>
        Assert.Equal(field, TokenRules.CheckExpiry(days)?.Field);

    [Fact]
    public void CheckNew_NamesTheFieldAndSaysWhy()
    {
        var refused = TokenRules.CheckNew(new string('x', 201), null, TokenScope.Unrestricted);
        Assert.Equal(("description", "The description is limited to 200 characters."), (refused?.Field, refused?.Message));
        Assert.Equal("A token expires after 1 to 3650 days (got 5000).", TokenRules.CheckNew("ok", 5000, TokenScope.Unrestricted)?.Message);
        Assert.Equal("dailyCalls", TokenRules.CheckNew(null, null, new TokenScope { DailyCalls = -1 })?.Field);
        Assert.Null(TokenRules.CheckNew(new string('x', 200), 30, new TokenScope { Models = ["a/*"], DailyCalls = 0 }));
    }

    [Theory]
    [InlineData("", null, null)]
    [InlineData("none", null, null)]
    [InlineData(" 12 ", 12, null)]
    [InlineData("-1", null, "got '-1'")]
    [InlineData("lots", null, "got 'lots'")]
    public void ParseDailyCalls_ReadsANumber_OrNoCap(string text, int? cap, string? error)
    {
        var refused = TokenRules.ParseDailyCalls(text, out var parsed);
        Assert.Equal(cap, parsed);
        if (error is null)
        {
            Assert.Null(refused);
        }
        else
        {
            Assert.Contains(error, refused?.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ParseScope_CommasOrSpaces_AndNothingMeansUnrestricted()
    {
        Assert.Null(TokenRules.ParseScope("a/b c/*,d/e", "3", out var scope));
        Assert.Equal(["a/b", "c/*", "d/e"], scope.Models);
        Assert.Equal(3, scope.DailyCalls);
        Assert.Null(TokenRules.ParseScope(" * ", "", out var every));
        Assert.Same(TokenScope.Unrestricted, every);
        Assert.Equal("models", TokenRules.ParseScope(string.Join(',', Enumerable.Range(0, 65).Select(i => $"o/m{i}")), null, out _)?.Field);
    }

    [Fact]
    public void RuleViolationException_CarriesTheRule()
    {
        var e = Assert.Throws<RuleViolationException>(() => RuleViolationException.ThrowIf(AccountRules.CheckPassword("short")));
        Assert.Equal(("password", "The password must have at least 8 characters."), (e.ParamName, e.Message));
        Assert.Equal("name", AccountRules.CheckName("no spaces")?.Field);
        Assert.Null(AccountRules.CheckName("alice.b-2"));
    }
}
