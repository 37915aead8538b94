package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

func bufioReader(input io.Reader) *bufio.Reader { return bufio.NewReader(input) }

// stripComments drops comment-only lines, so a document of comments (helm's "# Source:" before an
// empty template) counts as empty.
func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(doc, []byte("\n")) {
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 || trimmed[0] == '#' || bytes.Equal(trimmed, []byte("---")) {
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// checkRequired covers the required fields the API server's OpenAPI schema enforces on the pod
// templates (a strict decode alone accepts a container without a name or image).
func checkRequired(where string, object any) error {
	var template *corev1.PodTemplateSpec
	switch typed := object.(type) {
	case *appsv1.Deployment:
		if typed.Spec.Selector == nil {
			return fmt.Errorf("%s: spec.selector is required", where)
		}
		template = &typed.Spec.Template
	case *appsv1.StatefulSet:
		if typed.Spec.Selector == nil {
			return fmt.Errorf("%s: spec.selector is required", where)
		}
		template = &typed.Spec.Template
	default:
		return nil
	}
	if len(template.Spec.Containers) == 0 {
		return fmt.Errorf("%s: spec.template.spec.containers is required", where)
	}
	for index, container := range template.Spec.Containers {
		if container.Name == "" || container.Image == "" {
			return fmt.Errorf("%s: containers[%d] needs name and image", where, index)
		}
		for _, mount := range container.VolumeMounts {
			if !hasVolume(template.Spec.Volumes, mount.Name) {
				return fmt.Errorf("%s: container %s mounts undefined volume %q", where, container.Name, mount.Name)
			}
		}
	}
	return nil
}

func hasVolume(volumes []corev1.Volume, name string) bool {
	for _, volume := range volumes {
		if volume.Name == name {
			return true
		}
	}
	return false
}
