package synth

// userLevel are the nouns whose resources belong to a user rather than to
// one of the user's apps, as a Clarifai app or key does.
var userLevel = map[string]bool{"Apps": true, "Keys": true, "Organizations": true, "Teams": true, "Invitations": true}

// files are the nouns whose items hold files, read by a path of any depth
// (GET .../uploads/{upload_id}/files/**).
var files = map[string]bool{"Uploads": true, "Artifacts": true, "Documents": true, "Volumes": true, "Snapshots": true}

// collection returns the path of r's collection in API version v ("/v2"),
// with r's variable segment: a resource of an app is under
// /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/, one of a user
// under /v2/users/{user_app_id.user_id}/, and a resource with a parent under
// its parent's item: /v2/users/{...}/apps/{...}/inputs/{input_id}/shared_inputs.
func collection(r *resource, v string) string {
	var base string
	switch {
	case r.parent != nil:
		base = item(r.parent, v)
	case userLevel[r.noun.many]:
		base = v + "/users/{user_app_id.user_id}"
	default:
		base = v + "/users/{user_app_id.user_id}/apps/{user_app_id.app_id}"
	}
	return base + "/" + r.field()
}

// item returns the path of one of r's items: its collection and {x_id}.
func item(r *resource, v string) string {
	return collection(r, v) + "/{" + snake(r.one()) + "_id}"
}

// short returns the path of r's collection without the user and app, which
// an API also serves for the app of the caller's key (GET /v2/inputs), or ""
// for a resource of a user.
func short(r *resource, v string) string {
	switch {
	case r.parent != nil:
		if p := short(r.parent, v); p != "" {
			return p + "/{" + snake(r.parent.one()) + "_id}/" + r.field()
		}
		return ""
	case userLevel[r.noun.many]:
		return ""
	}
	return v + "/" + r.field()
}

// bindings returns the HTTP bindings of the endpoint of template t on
// resource r in API version v, as a REST API binds its methods: collections
// and items, literals beside variables (.../inputs/status beside
// .../inputs/{input_id}), a few custom verbs (:validate, :copy, :archive,
// sometimes :train) and a ** for the files of some resources. Some List and
// Get endpoints of an app's resources have a second, short binding. Every
// binding is unique to its endpoint.
func (s *synth) bindings(r *resource, t int, v string) []string {
	c := collection(r, v)
	i := item(r, v)
	const ver = "/versions/{version_id}"
	var out []string
	add := func(verb, path string) { out = append(out, verb+" "+path) }
	switch templates[t].pattern {
	case "List%p":
		add("GET", c)
		if p := short(r, v); p != "" && s.rh.IntN(4) == 0 {
			add("GET", p)
		}
	case "Get%s":
		add("GET", i)
		if p := short(r, v); p != "" && s.rh.IntN(4) == 0 {
			add("GET", p+"/{"+snake(r.one())+"_id}")
		}
		if files[r.noun.many] {
			add("GET", i+"/files/{path=**}")
		}
	case "Post%p":
		add("POST", c)
	case "Patch%p":
		add("PATCH", c)
	case "Delete%p":
		add("DELETE", c)
	case "Delete%s":
		add("DELETE", i)
	case "Post%pSearches":
		add("POST", c+"/searches")
	case "Get%sCount":
		add("GET", c+"/status")
	case "List%sVersions":
		add("GET", i+"/versions")
	case "Get%sVersion":
		add("GET", i+ver)
	case "Post%sVersions":
		add("POST", i+"/versions")
		if s.rh.IntN(3) == 0 {
			add("POST", i+":train")
		}
	case "Delete%sVersion":
		add("DELETE", i+ver)
	case "Post%sOutputs":
		add("POST", i+"/outputs")
		add("POST", i+ver+"/outputs")
	case "Post%sFeedback":
		add("POST", i+"/feedback")
	case "Get%sVersionMetrics":
		add("GET", i+ver+"/metrics")
	case "Post%sVersionMetrics":
		add("POST", i+ver+"/metrics")
	case "Patch%sIds":
		add("PATCH", c+"/ids")
	case "Post%sExports":
		add("POST", i+"/exports")
	case "List%sCollaborators":
		add("GET", i+"/collaborators")
	case "Post%sCollaborators":
		add("POST", i+"/collaborators")
	case "Delete%sCollaborators":
		add("DELETE", i+"/collaborators")
	case "Stream%p":
		add("GET", c+"/stream")
	case "Put%sMetadata":
		add("PUT", i+"/metadata")
	case "List%sEvents":
		add("GET", i+"/events")
	case "Get%sStatus":
		add("GET", i+"/status")
	case "Post%sValidations":
		add("POST", i+":validate")
	case "List%sReferences":
		add("GET", i+"/references")
	case "Post%pCopies":
		add("POST", c+":copy")
	case "Patch%sVersions":
		add("PATCH", i+"/versions")
	case "List%sExports":
		add("GET", i+"/exports")
	case "Get%sExport":
		add("GET", i+"/exports/{export_id}")
	case "Delete%sExports":
		add("DELETE", i+"/exports")
	case "List%sLogs":
		add("GET", i+"/logs/**")
	case "Post%sArchives":
		add("POST", i+":archive")
	case "Get%sSettings":
		add("GET", i+"/settings")
	case "Patch%sSettings":
		add("PATCH", i+"/settings")
	default:
		panic("synth: no HTTP binding for template " + templates[t].pattern)
	}
	return out
}
