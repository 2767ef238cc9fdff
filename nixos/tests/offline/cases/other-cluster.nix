# Not k3s (kubeadm): provisioning asked for, the objects applied by the token service.
{
  services.hypervisor-tui = {
    enable = true;
    kubernetes = {
      provision = true;
      adminKubeconfig = "/etc/kubernetes/admin.conf";
    };
  };
}
