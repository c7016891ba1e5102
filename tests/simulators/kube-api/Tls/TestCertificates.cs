using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cmp.Simulators.KubeApi.Tls;

/// <summary>A throwaway cluster CA, the API server's serving certificate (127.0.0.1, localhost) and client
/// certificates signed by it — the same layout kind and kubeadm produce, generated in memory.</summary>
public sealed class TestCertificates : IDisposable
{
    readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificates()
    {
        var req = new CertificateRequest("CN=kubernetes-ca", _caKey, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        Server = Issue("CN=kube-apiserver", serverAuth: true);
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public string CaPem => Ca.ExportCertificatePem();

    /// <summary>A client certificate; the API server takes the CN as the user name and O as groups.</summary>
    public (string CertPem, string KeyPem) IssueClient(string user, string group = "system:masters")
    {
        using var cert = Issue($"CN={user}, O={group}", serverAuth: false);
        using var key = cert.GetECDsaPrivateKey()!;
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    X509Certificate2 Issue(string subject, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], true));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            san.AddDnsName("kubernetes.default.svc");
            req.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        using var signed = req.Create(Ca, DateTimeOffset.UtcNow.AddMinutes(-5), Ca.NotAfter.AddMinutes(-1), serial);   // never outlive the CA
        using var withKey = signed.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Whether a presented client certificate chains to this CA.</summary>
    public bool IsSignedByCa(X509Certificate2 cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        Ca.Dispose();
        Server.Dispose();
    }
}
