using Cmp.Kubernetes.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>A running controller, as the host and diagnostics see it.</summary>
public interface IController
{
    string Name { get; }
    bool HasSynced { get; }
    int QueueLength { get; }
    long Reconciles { get; }

    /// <summary>Runs until <paramref name="ct"/> is cancelled, then lets in-flight reconciles finish for up to
    /// <paramref name="grace"/> before cancelling them.</summary>
    Task RunAsync(Func<TimeSpan> grace, CancellationToken ct);
}

/// <summary>
/// controller-runtime's controller: a source feeds keys into a rate-limited <see cref="WorkQueue"/>; workers take
/// keys, read the object from the cache and call the reconciler (from a fresh DI scope), handling finalizers for it,
/// then act on the <see cref="ReconcileResult"/>. Every cached object is enqueued again each resync period.
/// </summary>
public sealed class Controller<T, TReconciler> : IController
    where T : KubeObject, IKubeResource
    where TReconciler : class, IReconciler<T>
{
    readonly IServiceProvider _services;
    readonly IResourceSource<T> _source;
    readonly IReadOnlyList<IOwnedWatch> _owned;
    readonly OperatorOptions _options;
    readonly int _workers;
    readonly EventRecorder _events;
    readonly ILogger _log;
    readonly TimeProvider _clock;
    WorkQueue? _queue;
    long _reconciles;

    public Controller(IServiceProvider services, IResourceSource<T> source, IReadOnlyList<IOwnedWatch> owned, OperatorOptions options,
        int workers, EventRecorder events, ILogger log, TimeProvider clock)
    {
        _services = services;
        _source = source;
        _owned = owned;
        _options = options;
        _workers = workers;
        _events = events;
        _log = log;
        _clock = clock;
    }

    public string Name => $"{T.Resource.Plural}.{T.Resource.Group}";
    public bool HasSynced => _source.HasSynced;
    public int QueueLength => _queue?.Count ?? 0;
    public long Reconciles => Interlocked.Read(ref _reconciles);
    public IResourceSource<T> Source => _source;

    public async Task RunAsync(Func<TimeSpan> grace, CancellationToken ct)
    {
        using var queue = new WorkQueue(_clock, _options.RetryBaseDelay, _options.RetryMaxDelay);
        _queue = queue;
        using var work = new CancellationTokenSource();   // reconciles see this one: cancelled only after the grace period
        var sources = new List<Task> { _source.RunAsync(queue.Add, ct) };
        sources.AddRange(_owned.Select(o => o.RunAsync(T.Resource.ApiVersion, T.Resource.Kind, queue.Add, ct)));
        _log.LogInformation("Controller {Name} starting ({Workers} workers)", Name, _workers);

        // Workers start once the cache is filled, so a reconcile never acts on a partial view.
        while (!_source.HasSynced && !ct.IsCancellationRequested)
            try { await Task.Delay(TimeSpan.FromMilliseconds(50), _clock, ct); } catch (OperationCanceledException) { }
        var workers = Enumerable.Range(0, _workers).Select(_ => WorkAsync(queue, work.Token)).ToList();
        var resync = ResyncAsync(queue, ct);

        try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
        queue.ShutDown();
        var allWorkers = Task.WhenAll(workers);
        var drain = grace();
        if (await Task.WhenAny(allWorkers, Task.Delay(drain, _clock, CancellationToken.None)) != allWorkers)
        {
            _log.LogWarning("Controller {Name}: reconciles still running after {Grace}; cancelling them", Name, drain);
            await work.CancelAsync();
        }
        await allWorkers;
        await Task.WhenAll(sources.Append(resync).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _log.LogInformation("Controller {Name} stopped", Name);
    }

    async Task ResyncAsync(WorkQueue queue, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(_options.ResyncPeriod, _clock, ct); }
            catch (OperationCanceledException) { return; }
            foreach (var key in _source.CachedKeys) queue.Add(key);
        }
    }

    async Task WorkAsync(WorkQueue queue, CancellationToken ct)
    {
        while (await queue.GetAsync(CancellationToken.None) is { } key)
        {
            try
            {
                var result = await ReconcileKeyAsync(key, ct);
                Apply(queue, key, result);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // shutting down: the next leader (or the next start) picks the key up again
            }
            catch (Exception e)
            {
                var delay = queue.AddRateLimited(key);
                _log.LogError(e, "Reconcile of {Kind} {Key} threw (a bug); retrying in {Delay}", T.Resource.Kind, key, delay);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    async Task<ReconcileResult> ReconcileKeyAsync(string key, CancellationToken ct)
    {
        var obj = _source.GetCached(key);
        if (obj is null) return ReconcileResult.Done;   // gone; cleanup, if any, already ran in the finalizer
        Interlocked.Increment(ref _reconciles);
        using var scope = _log.BeginScope(new Dictionary<string, object> { ["controller"] = Name, ["key"] = key, ["generation"] = obj.Metadata.Generation ?? 0 });
        await using var services = _services.CreateAsyncScope();
        var reconciler = services.ServiceProvider.GetRequiredService<TReconciler>();
        var context = new ReconcileContext<T>(key, _source, _events, _options.ControllerName, _log, _clock);

        if (reconciler is IFinalizer<T> finalizer)
        {
            var name = finalizer.FinalizerName;
            if (obj.Metadata.IsBeingDeleted)
            {
                if (!obj.Metadata.HasFinalizer(name)) return ReconcileResult.Done;
                var finalized = await finalizer.FinalizeAsync(obj, context, ct);
                if (finalized.Error is not null || finalized.RequeueAfter is not null || finalized.RequeueWithBackoff) return finalized;
                var removed = await _source.SetFinalizersAsync(obj, (obj.Metadata.Finalizers ?? []).Where(f => f != name).ToList(), ct);
                if (!removed.IsSuccess && !removed.Error.IsNotFoundError()) return removed.Error;
                _log.LogInformation("{Kind} {Key} finalized", T.Resource.Kind, key);
                return ReconcileResult.Done;
            }
            if (!obj.Metadata.HasFinalizer(name))
            {
                var added = await _source.SetFinalizersAsync(obj, [.. obj.Metadata.Finalizers ?? [], name], ct);
                if (!added.IsSuccess) return added.Error;
                obj = added.Value;
            }
        }
        else if (obj.Metadata.IsBeingDeleted)
        {
            return ReconcileResult.Done;   // someone else's finalizer holds it; nothing of ours to converge
        }
        return await reconciler.ReconcileAsync(obj, context, ct);
    }

    void Apply(WorkQueue queue, string key, ReconcileResult result)
    {
        if (result.Error is { } error)
        {
            if (result.IsRetryableError)
            {
                var delay = queue.AddRateLimited(key);
                _log.LogWarning("Reconcile of {Kind} {Key} failed, retrying in {Delay}: {Error}", T.Resource.Kind, key, delay, error);
            }
            else
            {
                queue.Forget(key);
                _log.LogError("Reconcile of {Kind} {Key} failed; waiting for the object to change: {Error}", T.Resource.Kind, key, error);
            }
        }
        else if (result.RequeueAfter is { } after)
        {
            queue.Forget(key);
            queue.AddAfter(key, after);
        }
        else if (result.RequeueWithBackoff)
        {
            queue.AddRateLimited(key);
        }
        else
        {
            queue.Forget(key);
        }
    }
}

static class ErrorExtensions
{
    public static bool IsNotFoundError(this Cmp.Primitives.Error e) => e.Code == Client.KubeErrors.NotFound;
}
