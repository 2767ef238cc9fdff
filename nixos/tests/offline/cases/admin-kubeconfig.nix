# The old advice (the console reading k3s' admin kubeconfig) now draws a warning.
{
  services.k3s.enable = true;
  services.hypervisor-tui = {
    enable = true;
    kubernetes.provision = false;
    settings.kubernetes.kubeconfig = "/etc/rancher/k3s/k3s.yaml";
  };
}
