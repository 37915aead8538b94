// kube-validate decodes Kubernetes manifests strictly into the Go API types of the projects that own
// them (Kubernetes, prometheus-operator, Istio, Envoy Gateway, Gateway API), offline. A field that the
// type does not have, a value of the wrong type, an unknown apiVersion/kind, or a missing required
// field is an error. This is what kubeconform does with downloaded JSON schemas, done against the
// types the schemas are generated from, pinned in go.mod.
//
//	kube-validate FILE...   (or - for stdin); multi-document YAML; exit 1 on the first invalid file
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	istionetworking "istio.io/api/networking/v1alpha3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	sigsyaml "sigs.k8s.io/yaml"

	egv1alpha1 "github.com/envoyproxy/gateway/api/v1alpha1"
)

type newObject func() any

var kinds = map[string]newObject{
	"v1/ConfigMap":                                        func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                                           func() any { return &corev1.Secret{} },
	"v1/Service":                                          func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                                   func() any { return &corev1.ServiceAccount{} },
	"apps/v1/Deployment":                                  func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                                 func() any { return &appsv1.StatefulSet{} },
	"autoscaling/v2/HorizontalPodAutoscaler":              func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":                       func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":                  func() any { return &networkingv1.NetworkPolicy{} },
	"monitoring.coreos.com/v1/ServiceMonitor":             func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule":             func() any { return &monitoringv1.PrometheusRule{} },
	"gateway.networking.k8s.io/v1/HTTPRoute":              func() any { return &gatewayv1.HTTPRoute{} },
	"gateway.networking.k8s.io/v1/Gateway":                func() any { return &gatewayv1.Gateway{} },
	"gateway.envoyproxy.io/v1alpha1/HTTPRouteFilter":      func() any { return &egv1alpha1.HTTPRouteFilter{} },
	"gateway.envoyproxy.io/v1alpha1/EnvoyExtensionPolicy": func() any { return &egv1alpha1.EnvoyExtensionPolicy{} },
	"gateway.envoyproxy.io/v1alpha1/Backend":              func() any { return &egv1alpha1.Backend{} },
}

// istioObject is the Kubernetes envelope of an Istio resource; the spec is a proto message decoded
// with protojson, which rejects unknown fields (Istio's own JSON unmarshaller allows them).
type istioObject struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       json.RawMessage   `json:"spec"`
}

var istioKinds = map[string]func() proto.Message{
	"networking.istio.io/v1alpha3/EnvoyFilter": func() proto.Message { return &istionetworking.EnvoyFilter{} },
	"networking.istio.io/v1/Gateway":           func() proto.Message { return &istionetworking.Gateway{} },
	"networking.istio.io/v1/VirtualService":    func() proto.Message { return &istionetworking.VirtualService{} },
	"networking.istio.io/v1/ServiceEntry":      func() proto.Message { return &istionetworking.ServiceEntry{} },
	"networking.istio.io/v1/DestinationRule":   func() proto.Message { return &istionetworking.DestinationRule{} },
}

func main() {
	files := os.Args[1:]
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: kube-validate FILE... (- for stdin)")
		os.Exit(2)
	}
	failed := false
	total := 0
	for _, file := range files {
		count, err := validateFile(file)
		total += count
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			failed = true
		}
	}
	if total == 0 {
		fmt.Fprintln(os.Stderr, "no documents: nothing was validated")
		failed = true
	}
	if failed {
		os.Exit(1)
	}
	fmt.Printf("%d documents valid\n", total)
}

func validateFile(file string) (int, error) {
	var input io.Reader
	if file == "-" {
		input = os.Stdin
	} else {
		handle, err := os.Open(file)
		if err != nil {
			return 0, err
		}
		defer handle.Close()
		input = handle
	}
	reader := utilyaml.NewYAMLReader(bufioReader(input))
	count := 0
	var problems []string
	for index := 0; ; index++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return count, err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		count++
		if err := validateDocument(doc); err != nil {
			problems = append(problems, fmt.Sprintf("document %d: %v", index, err))
		}
	}
	if len(problems) > 0 {
		return count, errors.New(strings.Join(problems, "\n  "))
	}
	return count, nil
}

func validateDocument(doc []byte) error {
	asJSON, err := sigsyaml.YAMLToJSON(doc)
	if err != nil {
		return err
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(asJSON, &head); err != nil {
		return err
	}
	key := head.APIVersion + "/" + head.Kind
	where := fmt.Sprintf("%s %q", key, head.Metadata.Name)
	if head.Metadata.Name == "" {
		return fmt.Errorf("%s: metadata.name is required", where)
	}
	if make, ok := istioKinds[key]; ok {
		var envelope istioObject
		if err := strictJSON(asJSON, &envelope); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(envelope.Spec, make()); err != nil {
			return fmt.Errorf("%s: spec: %w", where, err)
		}
		return nil
	}
	make, ok := kinds[key]
	if !ok {
		return fmt.Errorf("%s: unknown apiVersion/kind (not in this validator's type table)", where)
	}
	object := make()
	if err := strictJSON(asJSON, object); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return checkRequired(where, object)
}

func strictJSON(data []byte, into any) error {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	return decoder.Decode(into)
}
