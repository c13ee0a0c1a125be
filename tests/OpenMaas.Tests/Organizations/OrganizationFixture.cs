using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Organizations;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Organizations;

/// <summary>
/// The real server with one organisation, <c>acme</c>: olivia (owner), adam (admin), mia (member); oscar belongs to
/// none, root is a system admin. <c>acme/private-stories</c> (stories260K, private, API-Inference on) is acme's private
/// model; <c>acme/public-stories</c> its public one. Every user has a personal access token (<see cref="Tokens"/>).
/// </summary>
public sealed class OrganizationFixture : ServerFixture
{
    public const string Org = "acme";
    public const string PrivateModel = "acme/private-stories";
    public const string PublicModel = "acme/public-stories";

    public static readonly string[] Users = ["olivia", "adam", "mia", "oscar", "root"];

    public Dictionary<string, string> Tokens { get; } = [];

    public Dictionary<string, long> UserIds { get; } = [];

    /// <summary>What the claims probe saw: the organisation claim of each call's caller, by the call's token id.</summary>
    public ConcurrentDictionary<long, long?> SeenOrganizations { get; } = new();

    public long OrgId { get; private set; }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ICallAuthorizer>(new ClaimsProbe(SeenOrganizations));

    protected override async Task SeedAsync()
    {
        foreach (var name in Users)
        {
            var (user, token) = await CreateUserAsync(name, admin: name == "root");
            Tokens[name] = token;
            UserIds[name] = user.Id;
        }

        var organizations = Services.GetRequiredService<IOrganizationService>();
        var acme = (await organizations.CreateAsync(Org, "Acme Corp", UserIds["olivia"]))!;
        OrgId = acme.Id;
        await organizations.AddMemberAsync(acme.Id, UserIds["adam"], OrganizationRoles.Admin);
        await organizations.AddMemberAsync(acme.Id, UserIds["mia"], OrganizationRoles.Member);
        await RegisterModelAsync(TestAssets.StoriesGguf, PrivateModel, link: true, card: new ModelCardChange { Private = true, ApiInferenceMode = ApiInferenceMode.On });
        await RegisterModelAsync(TestAssets.StoriesGguf, PublicModel, link: true, card: new ModelCardChange { ApiInferenceMode = ApiInferenceMode.On });
    }

    /// <summary>A client with its own cookies and no redirects, signed in through the sign-in API when a user is given.</summary>
    public async Task<HttpClient> SessionAsync(string? user)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };
        if (user is not null)
        {
            using var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { name = user, password = user + "-password" });
            login.EnsureSuccessStatusCode();
        }

        return http;
    }

    /// <summary>An authorizer that only records what organisation each call's caller carries (never refuses): it
    /// sees the claims exactly as every other step does.</summary>
    private sealed class ClaimsProbe(ConcurrentDictionary<long, long?> seen) : ICallAuthorizer
    {
        public int Order => 10_000;

        public ValueTask AuthorizeAsync(InferenceCall call, CancellationToken ct)
        {
            if (call.Caller.TokenId() is { } token)
            {
                seen[token] = call.Caller.OrganizationId();
            }

            return ValueTask.CompletedTask;
        }
    }
}
