package httpx

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

// HandlerFunc is a handler that is told who is acting and returns its
// error instead of writing it; the router writes it in the error shape.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error

// Authenticator finds the actor of a request. It returns (nil, nil) when the
// request carries no credentials, and checks CSRF on cookie writes.
type Authenticator func(w http.ResponseWriter, r *http.Request) (*auth.Actor, error)

// Route describes one endpoint; the list feeds the OpenAPI document.
type Route struct {
	Method, Path string
	Tag, Summary string
	Public       bool // no sign-in needed
	// DuringPasswordChange lets a user who must change the password call it.
	DuringPasswordChange bool
	Query                []string // query parameters, for the document
	Body                 string   // request body kind: "json", "multipart" or ""
	Produces             string   // response type when not JSON, e.g. xlsx
}

// Router registers routes on a ServeMux through one door, so every route
// is authenticated (unless marked public), described and error-handled.
type Router struct {
	Mux    *http.ServeMux
	Authn  Authenticator
	routes []Route
	paths  *http.ServeMux // every registered path, any method: tells 405 from 404
}

// NewRouter makes a router.
func NewRouter(authn Authenticator) *Router {
	rt := &Router{Mux: http.NewServeMux(), Authn: authn, paths: http.NewServeMux()}
	// Unknown endpoints answer in the error shape too, not the mux's plain text.
	rt.Mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if _, p := rt.paths.Handler(r); p != "" {
			Error(w, r, errs.New(errs.MethodNotAllowed, "该接口不支持 "+r.Method+" 请求", "this endpoint does not take "+r.Method))
			return
		}
		Error(w, r, errs.New(errs.NoRoute, "接口不存在："+r.URL.Path, "no such endpoint: "+r.URL.Path))
	})
	return rt
}

// Option adjusts a route.
type Option func(*Route)

// Public marks a route that needs no sign-in.
func Public(r *Route) { r.Public = true }

// DuringPasswordChange marks a route allowed before the forced password change.
func DuringPasswordChange(r *Route) { r.DuringPasswordChange = true }

// Query documents query parameters.
func Query(names ...string) Option { return func(r *Route) { r.Query = append(r.Query, names...) } }

// Multipart documents a multipart upload body.
func Multipart(r *Route) { r.Body = "multipart" }

// Produces documents a non-JSON response type.
func Produces(ct string) Option { return func(r *Route) { r.Produces = ct } }

// Handle registers "METHOD /path" with a summary for the API document.
func (rt *Router) Handle(method, path, tag, summary string, h HandlerFunc, opts ...Option) {
	route := Route{Method: method, Path: path, Tag: tag, Summary: summary}
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		route.Body = "json"
	}
	for _, o := range opts {
		o(&route)
	}
	if !slices.ContainsFunc(rt.routes, func(o Route) bool { return o.Path == path }) {
		rt.paths.HandleFunc(path, http.NotFound)
	}
	rt.routes = append(rt.routes, route)
	rt.Mux.HandleFunc(method+" "+path, func(w http.ResponseWriter, r *http.Request) {
		var a *auth.Actor
		if !route.Public { // public routes (sign-in) ignore any stale cookie
			var err error
			if a, err = rt.Authn(w, r); err != nil {
				Error(w, r, err)
				return
			}
			if a == nil {
				Error(w, r, errs.New(errs.Unauthenticated, "请先登录", "please sign in"))
				return
			}
			if a.MustChangePassword && !route.DuringPasswordChange {
				Error(w, r, errs.New(errs.PasswordChangeRequired, "首次登录或密码被重置，请先修改密码", "change your password first"))
				return
			}
		}
		if a != nil {
			r = r.WithContext(auth.With(r.Context(), a))
		}
		if err := h(w, r, a); err != nil {
			Error(w, r, err)
		}
	})
}

// Routes lists the registered routes, sorted by path then method.
func (rt *Router) Routes() []Route {
	out := append([]Route(nil), rt.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// OpenAPI builds an OpenAPI 3 document from the registered routes.
func (rt *Router) OpenAPI(version string) map[string]any {
	paths := map[string]map[string]any{}
	errorRef := map[string]any{"$ref": "#/components/responses/Error"}
	for _, r := range rt.Routes() {
		op := map[string]any{
			"summary":     r.Summary,
			"tags":        []string{r.Tag},
			"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_").Replace(r.Path),
			"responses": map[string]any{
				"200":     map[string]any{"description": "OK", "content": map[string]any{contentOr(r.Produces): map[string]any{}}},
				"default": errorRef,
			},
		}
		var params []any
		if strings.Contains(r.Path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}})
		}
		for _, q := range r.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch r.Body {
		case "json":
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		case "multipart":
			op["requestBody"] = map[string]any{"content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
				"type": "object", "properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}}}}}
		}
		if r.Public {
			op["security"] = []any{}
		}
		if paths[r.Path] == nil {
			paths[r.Path] = map[string]any{}
		}
		paths[r.Path][strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "diaodu 调度 API", "version": version},
		"paths":   paths,
		"security": []any{
			map[string]any{"session": []string{}}, map[string]any{"token": []string{}},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "diaodu_session"},
				"token":   map[string]any{"type": "http", "scheme": "bearer"},
			},
			"responses": map[string]any{"Error": map[string]any{
				"description": "error",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object",
					"properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
						"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"},
						"fields": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
					}}},
				}}},
			}},
		},
	}
}

func contentOr(ct string) string {
	if ct == "" {
		return "application/json"
	}
	return ct
}

// GetByID is the handler of "GET …/{id}": load one object for the actor
// and answer it.
func GetByID[T any](load func(ctx context.Context, a *auth.Actor, id int64) (T, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := PathID(r)
		if err != nil {
			return err
		}
		v, err := load(r.Context(), a, id)
		if err != nil {
			return err
		}
		JSON(w, http.StatusOK, v)
		return nil
	}
}

// DoByID is the handler of a body-less write on "…/{id}" (delete, lock,
// revoke): do it for the actor and answer 204.
func DoByID(do func(ctx context.Context, a *auth.Actor, id int64) error) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := PathID(r)
		if err != nil {
			return err
		}
		if err := do(r.Context(), a, id); err != nil {
			return err
		}
		NoContent(w)
		return nil
	}
}

// The handlers below are the shapes every module's routes repeat; a module
// writes its own handler only where a route does something more (reads
// query filters of its own, answers a different status, streams a file).

// Get is the handler of a "GET" without an id (a home page, settings, a
// pick list): load it for the actor and answer 200.
func Get[T any](load func(ctx context.Context, a *auth.Actor) (T, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		return Respond(w, http.StatusOK)(load(r.Context(), a))
	}
}

// Create is the handler of "POST …/<things>": decode the body into In,
// create it for the actor and answer 201 with it.
func Create[In, Out any](create func(ctx context.Context, a *auth.Actor, in In) (Out, error)) HandlerFunc {
	return decoded(http.StatusCreated, create)
}

// Put is the handler of a "PUT" without an id (a table's rows, a month's
// figures): decode the body into In, store it for the actor and answer 200.
func Put[In, Out any](put func(ctx context.Context, a *auth.Actor, in In) (Out, error)) HandlerFunc {
	return decoded(http.StatusOK, put)
}

// decoded answers status with what fn makes of the body.
func decoded[In, Out any](status int, fn func(ctx context.Context, a *auth.Actor, in In) (Out, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in In
		if err := Decode(w, r, &in); err != nil {
			return err
		}
		return Respond(w, status)(fn(r.Context(), a, in))
	}
}

// UpdateByID is the handler of a write with a body on "…/{id}" (an edit, a
// workflow step with a note): decode the body into In, apply it to the
// object for the actor and answer 200 with the result.
func UpdateByID[In, Out any](update func(ctx context.Context, a *auth.Actor, id int64, in In) (Out, error)) HandlerFunc {
	return decodedByID(http.StatusOK, update)
}

// CreateByID is the handler of "POST …/{id}/<things>": decode the body into
// In, create it under the object for the actor and answer 201 with it.
func CreateByID[In, Out any](create func(ctx context.Context, a *auth.Actor, id int64, in In) (Out, error)) HandlerFunc {
	return decodedByID(http.StatusCreated, create)
}

// decodedByID answers status with what fn makes of the path's id and the body.
func decodedByID[In, Out any](status int, fn func(ctx context.Context, a *auth.Actor, id int64, in In) (Out, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := PathID(r)
		if err != nil {
			return err
		}
		var in In
		if err := Decode(w, r, &in); err != nil {
			return err
		}
		return Respond(w, status)(fn(r.Context(), a, id, in))
	}
}

// UpdateOnto is the handler of a "PUT" of settings where fields left out
// of the body keep their value: the body is decoded onto a copy of what get
// returns, and put stores it. The copy is a JSON round trip (settings are
// stored as JSON, so nothing kept is lost): get's value may share slices
// and maps with a settings cache, and decoding onto them would change the
// cache even when put then refuses the value.
func UpdateOnto[T any](get func(ctx context.Context, a *auth.Actor) (T, error), put func(ctx context.Context, a *auth.Actor, v T) (T, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		cur, err := get(r.Context(), a)
		if err != nil {
			return err
		}
		var v T
		b, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if err := Decode(w, r, &v); err != nil {
			return err
		}
		return Respond(w, http.StatusOK)(put(r.Context(), a, v))
	}
}

// ListOf is the handler of a paged list: read the module's filter and page
// from the query, list for the actor and answer {"items", "total"}.
func ListOf[F, T any](filter func(r *http.Request) (F, Page, error), list func(ctx context.Context, a *auth.Actor, f F, p Page) ([]T, int, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		f, p, err := filter(r)
		if err != nil {
			return err
		}
		items, total, err := list(r.Context(), a, f, p)
		if err != nil {
			return err
		}
		JSON(w, http.StatusOK, List[T]{Items: items, Total: total})
		return nil
	}
}

// Changed is the handler of a "recompute now" button (lights, paces): run
// it for the actor and answer {"changed": n}, how many objects it changed.
func Changed(run func(ctx context.Context, a *auth.Actor) (int, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		n, err := run(r.Context(), a)
		if err != nil {
			return err
		}
		JSON(w, http.StatusOK, map[string]int{"changed": n})
		return nil
	}
}
