using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

/// <summary>Two OpenMaaS instances on loopback: a hub holding stories260K (and variants) that records the Range of every
/// file request, and an empty one to pull into.</summary>
public sealed class PullFixture : IAsyncLifetime
{
    public HubServer Hub { get; } = new();

    public EmptyServer Target { get; } = new();

    public async Task InitializeAsync()
    {
        await Hub.InitializeAsync();
        await Target.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Target.DisposeAsync();
        await Hub.DisposeAsync();
    }

    public sealed class EmptyServer : LibraryServer
    {
        protected override bool RegisterStories => false;
    }

    public sealed class HubServer : LibraryServer
    {
        /// <summary>FilePath → the Range header of each request for it ("" when none).</summary>
        public ConcurrentDictionary<string, ConcurrentQueue<string>> FileRequests { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            services.AddSingleton<IStartupFilter>(new RangeRecorder(this));
        }

        protected override async Task SeedAsync()
        {
            var readme = Path.Combine(DataPath, "README.md");
            await File.WriteAllTextAsync(readme, "# stories260K\n\nA tiny Llama trained on TinyStories.\n");
            await RegisterModelAsync(TestAssets.StoriesGguf, "tests/resumable", link: true,
                card: new ModelCardChange { License = "mit", Tags = ["tiny"], Description = "Resumable copy", Readme = readme });

            var tampered = Path.Combine(DataPath, "tampered.gguf");
            File.Copy(TestAssets.StoriesGguf, tampered);
            await RegisterModelAsync(tampered, "tests/tampered", link: true);
            await using (var file = new FileStream(tampered, FileMode.Open))
            {
                file.Position = file.Length - 1;
                var last = file.ReadByte();
                file.Position = file.Length - 1;
                file.WriteByte((byte)(last ^ 0xFF));
            }

            // A repository with two quantisations, one in a subfolder.
            await RegisterModelAsync(TestAssets.StoriesGguf, "tests/quants", link: true);
            await Catalog.UpdateAsync("tests/quants", m =>
            {
                var f = m.Files[0];
                m.Files.Add(new ModelFile { Path = "q8/stories260K-Q8_0.gguf", Size = f.Size, Sha256 = f.Sha256, LocalPath = f.LocalPath });
            });
        }

        private sealed class RangeRecorder(HubServer hub) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((HttpContext context, Func<Task> nextMiddleware) =>
                {
                    if (context.Request.Query["FilePath"].ToString() is { Length: > 0 } path)
                    {
                        hub.FileRequests.GetOrAdd(context.Request.Path + "|" + path, _ => new()).Enqueue(context.Request.Headers.Range.ToString());
                    }

                    return nextMiddleware();
                });
                next(app);
            };
        }
    }
}
