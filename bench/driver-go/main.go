// Command driver plays Envoy's ext_proc filter against an ext_proc server, as light as it can, for the
// llm-gateway benchmark (bench/run.ts builds and runs it).
//
// Every simulated HTTP request is one gRPC bidi stream envoy.service.ext_proc.v3.ExternalProcessor/Process:
// request_headers, request_body (BUFFERED), response_headers, then the response body (one buffered
// message, or one message per chunk with each chunk sent only after the previous chunk's answer, as
// Envoy does in STREAMED mode), then a half-close and a wait for the status. The driver honours what
// the server answers: a mode_override on a headers response changes which bodies follow, an
// immediate_response ends the exchange, a response of the wrong kind is counted as a protocol error.
//
// The request messages are encoded once by bench/scenario.ts (the same bytes the Node driver sends) and
// read from a JSON file; they go on the wire as they are (a pass-through codec), so the driver does no
// per-message encoding. Only the server's responses are decoded, with go-control-plane's types.
//
// It measures one window after a warm-up: exchanges completed, whole-exchange and per-message latency,
// its own CPU (getrusage) and the server's CPU (utime+stime of /proc/<pid>/stat), and prints one JSON
// object on stdout.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	filterv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

const processMethod = "/envoy.service.ext_proc.v3.ExternalProcessor/Process"

var processStream = &grpc.StreamDesc{StreamName: "Process", ServerStreams: true, ClientStreams: true}

// scenarioFile is what bench/scenario.ts writes: every ProcessingRequest already encoded (base64 in JSON).
type scenarioFile struct {
	Name                    string   `json:"name"`
	RequestHeaders          [][]byte `json:"requestHeaders"`
	RequestBody             []byte   `json:"requestBody"`
	ResponseHeaders         []byte   `json:"responseHeaders"`
	ResponseBodyBuffered    []byte   `json:"responseBodyBuffered"`
	ResponseBodyStreamed    [][]byte `json:"responseBodyStreamed"`
	DefaultRequestBodyMode  string   `json:"defaultRequestBodyMode"`
	DefaultResponseBodyMode string   `json:"defaultResponseBodyMode"`
}

// rawFrame is an already-encoded ProcessingRequest.
type rawFrame []byte

// passthroughCodec sends rawFrame bytes as they are and decodes responses with protobuf.
type passthroughCodec struct{}

func (passthroughCodec) Marshal(v any) ([]byte, error) {
	if frame, ok := v.(*rawFrame); ok {
		return *frame, nil
	}
	return nil, fmt.Errorf("passthroughCodec: cannot marshal %T", v)
}

func (passthroughCodec) Unmarshal(data []byte, v any) error {
	message, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("passthroughCodec: cannot unmarshal into %T", v)
	}
	return proto.Unmarshal(data, message)
}

func (passthroughCodec) Name() string { return "proto" }

// Message kinds, for per-message latency.
const (
	kindRequestHeaders = iota
	kindRequestBody
	kindResponseHeaders
	kindResponseBody
	kindCount
)

var kindNames = [kindCount]string{"request_headers", "request_body", "response_headers", "response_body"}

const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseDone
)

type workerStats struct {
	exchangeNs []int64
	messageNs  [kindCount][]int64
	completed  int64
	immediate  int64
	messages   int64
	errors     map[string]int64
}

// mode is the simulated filter's processing mode for one stream (only what the bench exercises).
type mode struct {
	requestBody     filterv3.ProcessingMode_BodySendMode
	responseHeaders filterv3.ProcessingMode_HeaderSendMode
	responseBody    filterv3.ProcessingMode_BodySendMode
}

type exchangeResult int

const (
	resultCompleted exchangeResult = iota
	resultImmediate
)

type runner struct {
	conn     *grpc.ClientConn
	scenario *scenarioFile
	defaults mode
	phase    atomic.Int32
	next     atomic.Uint64
	callOpts []grpc.CallOption
}

func main() {
	addr := flag.String("addr", "", "host:port of the ext_proc server")
	scenarioPath := flag.String("scenario", "", "scenario JSON written by bench/scenario.ts")
	concurrency := flag.Int("concurrency", 1, "exchanges (streams) in flight")
	warmup := flag.Float64("warmup", 2, "warm-up seconds (not measured)")
	duration := flag.Float64("duration", 10, "measured seconds")
	requests := flag.Int64("requests", 0, "if > 0, end the measured window after this many exchanges instead of -duration")
	serverPid := flag.Int("server-pid", 0, "pid of the server process, for its CPU time")
	cpuProfile := flag.String("cpuprofile", "", "write a Go CPU profile of the driver to this file")
	flag.Parse()
	if *addr == "" || *scenarioPath == "" {
		fmt.Fprintln(os.Stderr, "usage: driver -addr HOST:PORT -scenario FILE [-concurrency N] [-warmup S] [-duration S] [-requests N] [-server-pid PID]")
		os.Exit(2)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "driver: cpuprofile:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*addr, *scenarioPath, *concurrency, *warmup, *duration, *requests, *serverPid); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(1)
	}
}

func run(addr, scenarioPath string, concurrency int, warmup, duration float64, requests int64, serverPid int) error {
	raw, err := os.ReadFile(scenarioPath)
	if err != nil {
		return err
	}
	var scenario scenarioFile
	if err := json.Unmarshal(raw, &scenario); err != nil {
		return fmt.Errorf("scenario %s: %w", scenarioPath, err)
	}
	if len(scenario.RequestHeaders) == 0 || len(scenario.ResponseBodyStreamed) == 0 {
		return fmt.Errorf("scenario %s: no messages", scenarioPath)
	}
	defaults := mode{
		requestBody:     bodyMode(scenario.DefaultRequestBodyMode),
		responseHeaders: filterv3.ProcessingMode_SEND,
		responseBody:    bodyMode(scenario.DefaultResponseBodyMode),
	}
	conn, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(64<<20)),
	)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := &runner{conn: conn, scenario: &scenario, defaults: defaults, callOpts: []grpc.CallOption{grpc.ForceCodec(passthroughCodec{})}}

	var measuredTarget int64 = math.MaxInt64
	if requests > 0 {
		measuredTarget = requests
	}
	var measuredCompleted atomic.Int64
	windowFull := make(chan struct{})
	var windowOnce sync.Once

	stats := make([]*workerStats, concurrency)
	var wg sync.WaitGroup
	for i := 0; i < concurrency; i++ {
		s := &workerStats{errors: map[string]int64{}}
		stats[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			consecutiveErrors := 0
			for r.phase.Load() != phaseDone {
				started := time.Now()
				result, msgs, err := r.exchange(s)
				finished := time.Now()
				if err != nil {
					if r.phase.Load() == phaseMeasure {
						s.errors[classify(err)]++
					}
					consecutiveErrors++
					if consecutiveErrors > 1000 {
						s.errors["gave up: "+classify(err)]++
						return
					}
					if consecutiveErrors > 10 {
						time.Sleep(10 * time.Millisecond)
					}
					continue
				}
				consecutiveErrors = 0
				// An exchange counts in the window if it finished inside it (it may have started in the warm-up).
				if r.phase.Load() == phaseMeasure {
					s.exchangeNs = append(s.exchangeNs, finished.Sub(started).Nanoseconds())
					s.messages += int64(msgs)
					if result == resultImmediate {
						s.immediate++
					} else {
						s.completed++
					}
					if measuredCompleted.Add(1) >= measuredTarget {
						windowOnce.Do(func() { close(windowFull) })
					}
				}
			}
		}()
	}

	time.Sleep(time.Duration(warmup * float64(time.Second)))
	before := sample(serverPid)
	r.phase.Store(phaseMeasure)
	if requests > 0 {
		// Bounded anyway: at most 10x -duration.
		select {
		case <-windowFull:
		case <-time.After(time.Duration(10 * duration * float64(time.Second))):
		}
	} else {
		time.Sleep(time.Duration(duration * float64(time.Second)))
	}
	r.phase.Store(phaseDone)
	after := sample(serverPid)
	wg.Wait()

	return report(os.Stdout, &scenario, concurrency, warmup, before, after, stats, serverPid)
}

func bodyMode(name string) filterv3.ProcessingMode_BodySendMode {
	if v, ok := filterv3.ProcessingMode_BodySendMode_value[strings.ToUpper(name)]; ok {
		return filterv3.ProcessingMode_BodySendMode(v)
	}
	return filterv3.ProcessingMode_NONE
}

// protocolError is a server answer Envoy would reject (S3: wrong response kind).
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return e.msg }

// exchange runs one simulated HTTP request on one stream. It returns how it ended and how many
// ext_proc messages it sent.
func (r *runner) exchange(s *workerStats) (exchangeResult, int, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := r.conn.NewStream(ctx, processStream, processMethod, r.callOpts...)
	if err != nil {
		return 0, 0, err
	}
	m := r.defaults
	sent := 0
	var response extprocv3.ProcessingResponse
	// roundTrip sends one pre-encoded request and waits for its answer; true means the exchange is over
	// (immediate_response).
	roundTrip := func(kind int, frame []byte) (bool, error) {
		f := rawFrame(frame)
		started := time.Now()
		if err := stream.SendMsg(&f); err != nil {
			return false, fmt.Errorf("send %s: %w", kindNames[kind], err)
		}
		sent++
		response.Reset()
		if err := stream.RecvMsg(&response); err != nil {
			if errors.Is(err, io.EOF) {
				return false, &protocolError{"stream closed before the " + kindNames[kind] + " response"}
			}
			return false, fmt.Errorf("recv %s: %w", kindNames[kind], err)
		}
		if r.phase.Load() == phaseMeasure {
			s.messageNs[kind] = append(s.messageNs[kind], time.Since(started).Nanoseconds())
		}
		if response.GetImmediateResponse() != nil {
			return true, nil
		}
		if !matches(kind, &response) {
			return false, &protocolError{fmt.Sprintf("spurious response to %s: %T", kindNames[kind], response.Response)}
		}
		// R6: mode_override is honoured only on a headers response, and is taken literally.
		if (kind == kindRequestHeaders || kind == kindResponseHeaders) && response.ModeOverride != nil {
			o := response.ModeOverride
			if kind == kindRequestHeaders {
				m.requestBody = o.RequestBodyMode
			}
			m.responseHeaders = o.ResponseHeaderMode
			m.responseBody = o.ResponseBodyMode
		}
		return false, nil
	}
	// After each round trip: on an error the result is ignored; otherwise "over" means the server ended
	// the exchange with an immediate_response (the deferred cancel then resets the stream, as Envoy does).
	sc := r.scenario
	headers := sc.RequestHeaders[r.next.Add(1)%uint64(len(sc.RequestHeaders))]
	if over, err := roundTrip(kindRequestHeaders, headers); err != nil || over {
		return resultImmediate, sent, err
	}
	if m.requestBody != filterv3.ProcessingMode_NONE {
		if over, err := roundTrip(kindRequestBody, sc.RequestBody); err != nil || over {
			return resultImmediate, sent, err
		}
	}
	if m.responseHeaders != filterv3.ProcessingMode_SKIP {
		if over, err := roundTrip(kindResponseHeaders, sc.ResponseHeaders); err != nil || over {
			return resultImmediate, sent, err
		}
	}
	switch m.responseBody {
	case filterv3.ProcessingMode_NONE:
	case filterv3.ProcessingMode_STREAMED:
		// B3: the next chunk goes only after the answer to the previous one.
		for _, chunk := range sc.ResponseBodyStreamed {
			if over, err := roundTrip(kindResponseBody, chunk); err != nil || over {
				return resultImmediate, sent, err
			}
		}
	default: // BUFFERED, BUFFERED_PARTIAL: the whole body in one message
		if over, err := roundTrip(kindResponseBody, sc.ResponseBodyBuffered); err != nil || over {
			return resultImmediate, sent, err
		}
	}
	if err := stream.CloseSend(); err != nil {
		return 0, sent, fmt.Errorf("half-close: %w", err)
	}
	// Wait for the server's status; any further message is spurious.
	if err := stream.RecvMsg(&response); err == nil {
		return 0, sent, &protocolError{fmt.Sprintf("spurious response after the last message: %T", response.Response)}
	} else if !errors.Is(err, io.EOF) {
		return 0, sent, fmt.Errorf("status: %w", err)
	}
	return resultCompleted, sent, nil
}

func matches(kind int, response *extprocv3.ProcessingResponse) bool {
	switch kind {
	case kindRequestHeaders:
		return response.GetRequestHeaders() != nil
	case kindRequestBody:
		return response.GetRequestBody() != nil
	case kindResponseHeaders:
		return response.GetResponseHeaders() != nil
	case kindResponseBody:
		return response.GetResponseBody() != nil
	}
	return false
}

func classify(err error) string {
	var perr *protocolError
	if errors.As(err, &perr) {
		return "protocol: " + perr.msg
	}
	if st, ok := status.FromError(errors.Unwrap(err)); ok {
		return st.Code().String() + ": " + truncate(st.Message(), 120)
	}
	return truncate(err.Error(), 160)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

type cpuSample struct {
	wall           time.Time
	selfCPUSeconds float64
	serverTicks    int64 // utime+stime of the server, in clock ticks; -1 when unknown
	machine        machineTicks
}

// machineTicks is the first line of /proc/stat: every CPU of the machine, in clock ticks.
type machineTicks struct {
	busy, steal int64
	ok          bool
}

// readMachineTicks sums user, nice, system, irq, softirq and steal of /proc/stat's "cpu" line.
func readMachineTicks() machineTicks {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineTicks{}
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return machineTicks{}
	}
	var v [8]int64
	for i := range v {
		v[i], err = strconv.ParseInt(fields[i+1], 10, 64)
		if err != nil {
			return machineTicks{}
		}
	}
	// user nice system idle iowait irq softirq steal
	return machineTicks{busy: v[0] + v[1] + v[2] + v[5] + v[6] + v[7], steal: v[7], ok: true}
}

// Linux reports /proc/<pid>/stat times in USER_HZ, which is 100 on every architecture Go builds for.
const userHz = 100

func sample(serverPid int) cpuSample {
	var usage syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	self := float64(usage.Utime.Sec+usage.Stime.Sec) + float64(usage.Utime.Usec+usage.Stime.Usec)/1e6
	return cpuSample{wall: time.Now(), selfCPUSeconds: self, serverTicks: procTicks(serverPid), machine: readMachineTicks()}
}

// procTicks reads utime+stime (fields 14 and 15) of /proc/<pid>/stat: every thread of the process.
func procTicks(pid int) int64 {
	if pid <= 0 {
		return -1
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	// The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
	text := string(data)
	fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
	// fields[0] is field 3 (state); utime is field 14, stime field 15.
	if len(fields) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return utime + stime
}

type percentiles struct {
	Count int64   `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// summarize returns milliseconds; percentiles use the nearest-rank method.
func summarize(ns []int64) percentiles {
	if len(ns) == 0 {
		return percentiles{}
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i] < ns[j] })
	rank := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(ns)))) - 1
		if i < 0 {
			i = 0
		}
		return float64(ns[i]) / 1e6
	}
	var sum float64
	for _, v := range ns {
		sum += float64(v)
	}
	return percentiles{
		Count: int64(len(ns)),
		Mean:  sum / float64(len(ns)) / 1e6,
		P50:   rank(0.50),
		P90:   rank(0.90),
		P99:   rank(0.99),
		Max:   float64(ns[len(ns)-1]) / 1e6,
	}
}

type result struct {
	Driver             string                 `json:"driver"`
	DriverRuntime      string                 `json:"driverRuntime"`
	Scenario           string                 `json:"scenario"`
	Concurrency        int                    `json:"concurrency"`
	WarmupSeconds      float64                `json:"warmupSeconds"`
	MeasuredSeconds    float64                `json:"measuredSeconds"`
	Requests           int64                  `json:"requests"`
	Completed          int64                  `json:"completed"`
	Immediate          int64                  `json:"immediate"`
	Errors             int64                  `json:"errors"`
	ErrorKinds         map[string]int64       `json:"errorKinds"`
	MessagesPerRequest float64                `json:"messagesPerRequest"`
	LatencyMs          percentiles            `json:"latencyMs"`
	MessageLatencyMs   map[string]percentiles `json:"messageLatencyMs"`
	DriverCPUSeconds   float64                `json:"driverCpuSeconds"`
	ServerCPUSeconds   *float64               `json:"serverCpuSeconds"`
	MachineCPUSeconds  *float64               `json:"machineCpuSeconds"`
	StealCPUSeconds    *float64               `json:"stealCpuSeconds"`
	GoMaxProcs         int                    `json:"gomaxprocs"`
}

func report(w io.Writer, scenario *scenarioFile, concurrency int, warmup float64, before, after cpuSample, stats []*workerStats, serverPid int) error {
	out := result{
		Driver:           "go",
		DriverRuntime:    runtime.Version(),
		Scenario:         scenario.Name,
		Concurrency:      concurrency,
		WarmupSeconds:    warmup,
		MeasuredSeconds:  after.wall.Sub(before.wall).Seconds(),
		ErrorKinds:       map[string]int64{},
		MessageLatencyMs: map[string]percentiles{},
		DriverCPUSeconds: after.selfCPUSeconds - before.selfCPUSeconds,
		GoMaxProcs:       runtime.GOMAXPROCS(0),
	}
	var exchanges []int64
	var perKind [kindCount][]int64
	var all []int64
	var messages int64
	for _, s := range stats {
		exchanges = append(exchanges, s.exchangeNs...)
		out.Completed += s.completed
		out.Immediate += s.immediate
		messages += s.messages
		for k := 0; k < kindCount; k++ {
			perKind[k] = append(perKind[k], s.messageNs[k]...)
			all = append(all, s.messageNs[k]...)
		}
		for kind, n := range s.errors {
			out.ErrorKinds[kind] += n
			out.Errors += n
		}
	}
	out.Requests = out.Completed + out.Immediate
	if out.Requests > 0 {
		out.MessagesPerRequest = float64(messages) / float64(out.Requests)
	}
	out.LatencyMs = summarize(exchanges)
	for k := 0; k < kindCount; k++ {
		if len(perKind[k]) > 0 {
			out.MessageLatencyMs[kindNames[k]] = summarize(perKind[k])
		}
	}
	out.MessageLatencyMs["all"] = summarize(all)
	if serverPid > 0 && before.serverTicks >= 0 && after.serverTicks >= 0 {
		v := float64(after.serverTicks-before.serverTicks) / userHz
		out.ServerCPUSeconds = &v
	}
	if before.machine.ok && after.machine.ok {
		busy := float64(after.machine.busy-before.machine.busy) / userHz
		steal := float64(after.machine.steal-before.machine.steal) / userHz
		out.MachineCPUSeconds, out.StealCPUSeconds = &busy, &steal
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
