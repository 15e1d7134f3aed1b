package testutil

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
)

// Server is the fixture's HTTP surface.
type Server struct {
	*httptest.Server
	F *Fixture
}

// NewServer serves the fixture's application.
func (f *Fixture) NewServer(t testing.TB) *Server {
	s := httptest.NewServer(f.App.Handler())
	t.Cleanup(s.Close)
	return &Server{Server: s, F: f}
}

// Client is a browser-like client: cookie jar plus the CSRF token.
type Client struct {
	T    testing.TB
	S    *Server
	HTTP *http.Client
	CSRF string
	// Header is added to every request (e.g. Authorization, Accept-Language).
	Header http.Header
}

// Client returns an anonymous client.
func (s *Server) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: t, S: s, HTTP: &http.Client{Jar: jar}, Header: http.Header{}}
}

// Login returns a client signed in as a fixture user.
func (s *Server) Login(t testing.TB, username string) *Client {
	t.Helper()
	c := s.Client(t)
	r := c.Do("POST", "/api/v1/session", map[string]string{"username": username, "password": Password})
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	c.CSRF = r.JSON()["csrf_token"].(string)
	return c
}

// Resp is an answer.
type Resp struct {
	T      testing.TB
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body as an object.
func (r *Resp) JSON() map[string]any {
	r.T.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		r.T.Fatalf("not JSON (%d): %s", r.Status, r.Body)
	}
	return m
}

// ErrCode returns error.code of an error answer.
func (r *Resp) ErrCode() string {
	e, _ := r.JSON()["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// Field returns error.fields[name].
func (r *Resp) Field(name string) string {
	e, _ := r.JSON()["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	s, _ := f[name].(string)
	return s
}

// Do sends body as JSON (a string or []byte is sent as it is) with the
// CSRF token on writes.
func (c *Client) Do(method, path string, body any) *Resp {
	c.T.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = bytes.NewBufferString(b), "application/json"
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		j, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, _ := http.NewRequest(method, c.S.URL+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return c.send(req)
}

func (c *Client) send(req *http.Request) *Resp {
	c.T.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.CSRF != "" && req.Header.Get("X-CSRF-Token") == "" && req.Method != "GET" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Resp{T: c.T, Status: res.StatusCode, Body: b, Header: res.Header}
}

// Upload posts a multipart form with fields and one file field "file".
func (c *Client) Upload(path string, fields map[string]string, fileName string, data []byte) *Resp {
	c.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.S.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}
