using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cmp.Hosting.Configuration;

public static class OptionsExtensions
{
    /// <summary>Binds <typeparamref name="T"/> from a section and validates its data annotations at startup,
    /// so a missing or wrong setting stops the service with a message instead of failing the first request.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration config, string section)
        where T : class =>
        services.AddOptions<T>().Bind(config.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
