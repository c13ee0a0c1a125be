using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Upstream;

public static class UpstreamStoreServiceCollectionExtensions
{
    /// <summary>The deployment store, with Data Protection keys in <c>DATA/keys</c> (a folder only the owner can
    /// read), shared by the CLI that writes keys and the server that reads them.</summary>
    public static IServiceCollection AddOpenMaasUpstreamStore(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("OpenMaaS");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<DataOptions>, ILoggerFactory>((o, data, logs) =>
            o.XmlRepository = new FileSystemXmlRepository(KeyFolder(data.Value), logs));
        services.TryAddSingleton<IUpstreamStore, UpstreamStore>();
        return services;
    }

    private static DirectoryInfo KeyFolder(DataOptions data)
    {
        var path = Path.Combine(data.FullPath, "keys");
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
