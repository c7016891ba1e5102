using System.Net;
using Cmp.Runner.Infrastructure.Langflow;
using Polly;
using Polly.Timeout;

namespace Cmp.Runner.Tests.Infrastructure;

/// <summary>What the Langflow pipeline repeats and what it counts against Langflow's health.</summary>
public sealed class LangflowResilienceTests
{
    static Outcome<HttpResponseMessage> Failed(HttpRequestError error) =>
        Outcome.FromException<HttpResponseMessage>(new HttpRequestException(error, "failed"));

    static Outcome<HttpResponseMessage> Answered(HttpStatusCode status) => Outcome.FromResult(new HttpResponseMessage(status));

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, true)]
    [InlineData(HttpRequestError.NameResolutionError, true)]
    [InlineData(HttpRequestError.ResponseEnded, false)]
    [InlineData(HttpRequestError.InvalidResponse, false)]
    [InlineData(HttpRequestError.Unknown, false)]
    public void A_run_is_retried_only_if_the_connection_was_never_established(HttpRequestError error, bool retried)
    {
        LangflowResilience.MayRetry(HttpMethod.Post, Failed(error)).Should().Be(retried);
    }

    [Fact]
    public void A_run_is_retried_after_a_connect_timeout_and_reported_as_unavailable()
    {
        // What SocketsHttpHandler throws when ConnectTimeout elapses (checked on .NET 10 with a stalled ConnectCallback).
        var connectTimeout = new TaskCanceledException("The operation was canceled.", new TimeoutException());

        LangflowResilience.MayRetry(HttpMethod.Post, Outcome.FromException<HttpResponseMessage>(connectTimeout)).Should().BeTrue();
        LangflowErrors.FromException(connectTimeout)!.Code.Should().Be(Cmp.Runner.Client.Contracts.RunnerErrorCodes.LangflowUnavailable);
        LangflowErrors.FromException(new TaskCanceledException())!.Code.Should().Be(Cmp.Runner.Client.Contracts.RunnerErrorCodes.LangflowTimeout);
    }

    [Fact]
    public void A_run_is_never_retried_after_an_answer_or_a_timeout()
    {
        LangflowResilience.MayRetry(HttpMethod.Post, Answered(HttpStatusCode.ServiceUnavailable)).Should().BeFalse();
        LangflowResilience.MayRetry(HttpMethod.Post, Answered(HttpStatusCode.InternalServerError)).Should().BeFalse();
        LangflowResilience.MayRetry(HttpMethod.Post, Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())).Should().BeFalse();
    }

    [Fact]
    public void Flow_management_and_health_calls_are_retried_on_transient_failures()
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
        {
            LangflowResilience.MayRetry(method, Answered(HttpStatusCode.ServiceUnavailable)).Should().BeTrue();
            LangflowResilience.MayRetry(method, Failed(HttpRequestError.ResponseEnded)).Should().BeTrue();
            LangflowResilience.MayRetry(method, Answered(HttpStatusCode.Conflict)).Should().BeFalse();
        }
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    public void Only_signs_of_an_unwell_langflow_count_for_the_breaker(HttpStatusCode status, bool counted)
    {
        LangflowResilience.IsUnavailable(Answered(status)).Should().Be(counted);
    }
}
