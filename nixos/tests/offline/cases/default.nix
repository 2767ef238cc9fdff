# No k3s here: nothing Kubernetes is provisioned, the console's kubeconfig is left alone.
{ services.hypervisor-tui.enable = true; }
