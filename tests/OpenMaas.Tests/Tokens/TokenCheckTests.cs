using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Tests.Tokens;

/// <summary>The cached token check: expiry follows the clock, not the cache; changes apply to the next check.</summary>
[Trait("Category", "Slow")]
public sealed class TokenCheckTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Path"] = _data }).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(_clock)
            .AddLogging()
            .AddOpenMaasCore()
            .BuildServiceProvider();
        return _services.InitializeOpenMaasAsync();
    }

    [Fact]
    public async Task CachedToken_ExpiresOnTheClock_WithoutAnyChange()
    {
        var (tokens, user) = (_services.GetRequiredService<ITokenService>(), await CreateUserAsync("expiry"));
        var token = (await tokens.CreateAsync(user.Id, null, expiresDays: 1)).Text;
        Assert.Equal(TokenStatus.Valid, (await tokens.CheckAsync(token)).Status);
        Assert.Equal(TokenStatus.Valid, (await tokens.CheckAsync(token)).Status);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(TokenStatus.Expired, (await tokens.CheckAsync(token)).Status);
    }

    [Fact]
    public async Task RevokeAndDisable_ApplyToTheNextCheck()
    {
        var (tokens, accounts) = (_services.GetRequiredService<ITokenService>(), _services.GetRequiredService<IAccountService>());
        var user = await CreateUserAsync("changes");
        var revoked = (await tokens.CreateAsync(user.Id, null, null)).Text;
        var created = await tokens.CreateAsync(user.Id, null, null);
        var check = await tokens.CheckAsync(created.Text);
        Assert.Equal((TokenStatus.Valid, created.Info.Id, user.Id, "changes"), (check.Status, check.TokenId, check.UserId, check.UserName));
        Assert.Equal(TokenStatus.Valid, (await tokens.CheckAsync(revoked)).Status);

        await tokens.RevokeAsync((await tokens.FindAsync(revoked[..11]))[0].Id);
        Assert.Equal(TokenStatus.Revoked, (await tokens.CheckAsync(revoked)).Status);
        Assert.Equal(TokenStatus.Valid, (await tokens.CheckAsync(created.Text)).Status);

        await accounts.SetEnabledAsync("changes", enabled: false);
        Assert.Equal(TokenStatus.UserDisabled, (await tokens.CheckAsync(created.Text)).Status);
        await accounts.SetEnabledAsync("changes", enabled: true);
        Assert.Equal(TokenStatus.Valid, (await tokens.CheckAsync(created.Text)).Status);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<UserAccount> CreateUserAsync(string name) =>
        (await _services.GetRequiredService<IAccountService>().CreateAsync(name, null, admin: false))!;
}
