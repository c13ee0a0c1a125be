using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Server.Auth;

namespace OpenMaas.Tests.WebConsole;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.7");

    [Fact]
    public void FifthFailure_LocksTheAccount_AndEachFurtherFailureDoublesTheDelay()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < 4; i++)
        {
            throttle.Failed("alice", Address);
            Assert.Null(throttle.RetryAfter("alice", Address));
        }

        throttle.Failed("alice", Address);
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RetryAfter("alice", Address));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RetryAfter("ALICE", null));
        Assert.Null(throttle.RetryAfter("bob", Address));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(throttle.RetryAfter("alice", Address));
        throttle.Failed("alice", Address);
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.RetryAfter("alice", Address));
        clock.Advance(TimeSpan.FromSeconds(2));
        throttle.Failed("alice", Address);
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.RetryAfter("alice", Address));

        clock.Advance(TimeSpan.FromSeconds(4));
        throttle.Succeeded("alice");
        throttle.Failed("alice", Address);
        Assert.Null(throttle.RetryAfter("alice", Address));
    }

    [Fact]
    public void TwentiethFailureFromOneAddress_LocksThatAddressForEveryAccount()
    {
        var throttle = new LoginThrottle(new FakeTimeProvider());
        for (var i = 0; i < 19; i++)
        {
            throttle.Failed($"user{i}", Address);
        }

        Assert.Null(throttle.RetryAfter("someone", Address));
        throttle.Failed("user19", Address);
        Assert.NotNull(throttle.RetryAfter("someone", Address));
        Assert.Null(throttle.RetryAfter("someone", IPAddress.Parse("192.0.2.8")));
    }

    [Fact]
    public void FailuresAreForgottenAnHourAfterTheLast()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < 4; i++)
        {
            throttle.Failed("carol", null);
        }

        clock.Advance(TimeSpan.FromHours(2));
        throttle.Failed("carol", null);
        Assert.Null(throttle.RetryAfter("carol", null));
    }
}

/// <summary>On the real server: five wrong passwords lock the account, so even the right one is refused (429 with
/// Retry-After) until the delay passes; the sign-in page says so too.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class LoginThrottleServerTests(ConsoleFixture server)
{
    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_EvenForTheRightPassword()
    {
        await server.CreateUserAsync("dora");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await http.PostAsJsonAsync("/api/v1/auth/login", new { name = "dora", password = "guess-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await http.PostAsJsonAsync("/api/v1/auth/login", new { name = "dora", password = "dora-password" });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);

        var page = await server.OpenAsync();
        await page.VisitAsync("/signin");
        await page.FillAsync("#name", "dora");
        await page.FillAsync("#password", "dora-password");
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("main button[type=submit]"), r => r.Request.Method == "POST");
        Assert.Equal(429, answer.Status);
        Assert.Contains("Too many failed sign-ins", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
