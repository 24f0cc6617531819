// Evaluator: SELECT/FOREACH execution, expressions, paths and alias writes (see evaluator.h).
#include "rules/evaluator.h"

#include "rules/topic_match.h"

namespace mqb::rules {

// Upper bound on what one evaluation may allocate from its arena.
constexpr size_t kMaxEvalBytes = size_t{64} << 20;

// Pushes lookup frames for the duration of a scope.
class Evaluator::FrameScope {
 public:
  explicit FrameScope(Evaluator* ev) : ev_(ev), saved_(ev->nframes_) {}
  ~FrameScope() { ev_->nframes_ = saved_; }
  void Push(const MapBuilder* b) { ev_->frames_[ev_->nframes_++] = Frame{b, Value()}; }
  void Push(Value map) { ev_->frames_[ev_->nframes_++] = Frame{nullptr, map}; }

 private:
  Evaluator* ev_;
  int saved_;
};

Evaluator::Evaluator(EvaluatorOptions options) : options_(options), arena_(8192) {
  outputs_.reserve(16);
}

Evaluator::~Evaluator() = default;

EvalStatus Evaluator::Fail(EvalError e, const char* clause) {
  error_ = std::move(e);
  if (clause != nullptr) {
    error_.message = std::string(clause) + ": " + error_.message;
  }
  return EvalStatus::kException;
}

EvalStatus Evaluator::Evaluate(const RuleProgram& program, const MessageInput& input) {
  BeginMessage(input);
  return EvaluateRule(program);
}

void Evaluator::BeginMessage(const MessageInput& input) {
  arena_.Reset();
  input_ = &input;
  payload_done_ = false;
  payload_parsed_ = false;
  payload_failed_ = false;
  program_ = nullptr;
  payload_raw_ = Column("payload");
}

EvalStatus Evaluator::EvaluateRule(const RuleProgram& program) {
  const MessageInput& input = *input_;
  outputs_.clear();
  program_ = &program;
  nframes_ = 0;
  all_columns_done_ = false;  // metadata.rule_id differs per rule
  payload_projected_done_ = false;
  where_rejected_ = false;
  const bool named = input.event != EventKind::kMessagePublish;
  if (!program.MatchesFrom(named ? input.hookpoint : input.topic, named)) {
    return EvalStatus::kNoMatch;
  }
  const Statement& st = program.statement();
  return st.foreach ? RunForeach(st) : RunSelect(st);
}

Result<void, EvalError> Evaluator::SelectFields(const std::vector<Field>& fields, MapBuilder& out) {
  for (const Field& f : fields) {
    if (f.star) {
      // maps:merge(Selected, Columns): columns win over what was selected before `*`.
      const bool fresh = out.size() == 0;  // nothing to replace: the column names are distinct
      for (const MapEntry& e : Columns().AsMap()) {
        if (fresh) {
          out.Append(e.key, e.value);
        } else {
          out.Put(e.key, e.value);
        }
      }
      continue;
    }
    auto v = Eval(*f.expr);
    if (!v.ok()) {
      return Err(v.error());
    }
    MQB_RETURN_IF_ERROR(PutAlias(out, f.alias, v.value()));
  }
  return Ok<EvalError>();
}

EvalStatus Evaluator::RunSelect(const Statement& st) {
  Value selected;
  if (st.fields.size() == 1 && st.fields[0].star) {
    // `SELECT *`: the output is the columns map itself (maps:merge(#{}, Columns)), not a copy.
    selected = Columns();
  } else {
    MapBuilder out(arena_, st.fields.size() + 2);
    FrameScope scope(this);
    scope.Push(&out);
    auto r = SelectFields(st.fields, out);
    if (!r.ok()) {
      return Fail(r.error(), "SELECT");
    }
    selected = out.Finish();
  }
  if (st.where) {
    FrameScope scope(this);
    scope.Push(selected);
    auto c = EvalCondition(*st.where);
    if (!c.ok()) {
      return Fail(c.error(), "WHERE");
    }
    if (!c.value()) {
      where_rejected_ = true;
      return EvalStatus::kNoResult;
    }
  }
  outputs_.push_back(selected);
  return EvalStatus::kOutput;
}

EvalStatus Evaluator::RunForeach(const Statement& st) {
  MapBuilder out(arena_, st.fields.size() + 2);
  Value collection;
  std::string_view item_key = "item";
  {
    FrameScope scope(this);
    scope.Push(&out);
    for (size_t i = 0; i < st.fields.size(); ++i) {
      const Field& f = st.fields[i];
      if (f.star) {
        for (const MapEntry& e : Columns().AsMap()) {
          out.Put(e.key, e.value);
        }
        continue;
      }
      auto v = Eval(*f.expr);
      if (!v.ok()) {
        return Fail(v.error(), "FOREACH");
      }
      auto put = PutAlias(out, f.alias, v.value());
      if (!put.ok()) {
        return Fail(put.error(), "FOREACH");
      }
      if (i + 1 == st.fields.size()) {
        collection = v.value().is_array() ? v.value() : Value::EmptyArray();
        if (f.explicit_alias) {
          item_key = f.alias.root;
        }
      }
    }
  }
  Value selected = out.Finish();
  if (st.where) {
    FrameScope scope(this);
    scope.Push(selected);
    auto c = EvalCondition(*st.where);
    if (!c.ok()) {
      return Fail(c.error(), "WHERE");
    }
    if (!c.value()) {
      where_rejected_ = true;
      return EvalStatus::kNoResult;
    }
  }
  for (const Value& item : collection.AsArray()) {
    // A hostile rule (FOREACH [1..N] DO [1..N]) grows quadratically; stop it before it takes the
    // process's memory.
    if (arena_.BytesUsed() > kMaxEvalBytes) {
      return Fail(EvalError::Exception("FOREACH output exceeds the 64 MiB evaluation limit"),
                  "FOREACH");
    }
    MapEntry* binding = arena_.AllocateArray<MapEntry>(1);
    binding[0] = MapEntry{item_key, item};
    Value item_map = Value::MapRef(binding, 1);
    FrameScope scope(this);
    scope.Push(item_map);
    scope.Push(selected);
    if (st.incase) {
      auto c = EvalCondition(*st.incase);
      if (!c.ok()) {
        return Fail(c.error(), "INCASE");
      }
      if (!c.value()) {
        continue;
      }
    }
    if (st.do_fields.empty()) {
      // Columns + selected + the element.
      MapBuilder b(arena_, Columns());
      for (const MapEntry& e : selected.AsMap()) {
        b.Put(e.key, e.value);
      }
      b.Put(item_key, item);
      outputs_.push_back(b.Finish());
    } else {
      MapBuilder d(arena_, st.do_fields.size() + 2);
      FrameScope inner(this);
      // DO fields see the DO output so far, then the element, selected and columns.
      nframes_ = 0;
      inner.Push(&d);
      inner.Push(item_map);
      inner.Push(selected);
      auto r = SelectFields(st.do_fields, d);
      if (!r.ok()) {
        return Fail(r.error(), "DO");
      }
      outputs_.push_back(d.Finish());
    }
  }
  return outputs_.empty() ? EvalStatus::kNoResult : EvalStatus::kOutput;
}

// ---------------------------------------------------------------------------------------------
// Lookup and paths.

Value Evaluator::Lookup(std::string_view name) {
  for (int i = 0; i < nframes_; ++i) {
    const Frame& f = frames_[i];
    Value v = f.builder != nullptr ? f.builder->Get(name) : f.map.Get(name);
    if (!v.is_undefined()) {
      return v;
    }
  }
  return Column(name);
}

bool Evaluator::IsPayloadString(const Value& v) const {
  return v.is_string() && payload_raw_.is_string() && v.size() > 0 &&
         v.AsString().data() == payload_raw_.AsString().data() && v.size() == payload_raw_.size();
}

// Before stepping into `v`: strings are JSON-decoded (the payload through the per-message cache,
// failing with decode_json_failed; other strings softly, undefined on failure).
Result<Value, EvalError> Evaluator::Descend(Value v, const Path* payload_path) {
  if (!v.is_string()) {
    return v;
  }
  bool empty_payload = payload_path != nullptr && v.size() == 0 && payload_raw_.is_string() &&
                       payload_raw_.size() == 0;
  if (IsPayloadString(v) || empty_payload) {
    if (payload_path != nullptr && payload_path->projected) {
      return ProjectedPayload();
    }
    return DecodedPayload();
  }
  auto r = json_.Decode(v.AsString(), arena_);
  if (!r.ok()) {
    return Value();
  }
  return r.value();
}

Result<Value, EvalError> Evaluator::EvalPath(const Path& p) {
  Value v = p.may_be_shadowed ? Lookup(p.root) : ColumnOf(p);
  bool root = true;
  for (const PathStep& s : p.steps) {
    if (v.is_undefined()) {
      return v;
    }
    auto d = Descend(v, root && p.root_is_payload ? &p : nullptr);
    if (!d.ok()) {
      return d;
    }
    v = d.value();
    root = false;
    switch (s.kind) {
      case PathStep::Kind::kKey:
        v = v.Get(s.key);
        break;
      case PathStep::Kind::kIndex:
        v = v.At(s.index);
        break;
      case PathStep::Kind::kIndexExpr: {
        auto idx = Eval(*s.index_expr);
        if (!idx.ok()) {
          return idx;
        }
        v = idx.value().is_int() ? v.At(idx.value().AsInt()) : Value();
        break;
      }
    }
  }
  return v;
}

Result<void, EvalError> Evaluator::PutAlias(MapBuilder& out, const Path& alias, Value v) {
  if (v.is_undefined()) {
    return Ok<EvalError>();  // EMQX never stores undefined
  }
  if (alias.steps.empty()) {
    out.Put(alias.root, v);
    return Ok<EvalError>();
  }
  auto nv = PutSteps(out.Get(alias.root), alias, 0, v);
  if (!nv.ok()) {
    return Err(nv.error());
  }
  out.Put(alias.root, nv.value());
  return Ok<EvalError>();
}

Result<Value, EvalError> Evaluator::PutSteps(Value cur, const Path& alias, size_t i, Value v) {
  if (i == alias.steps.size()) {
    return v;
  }
  if (IsPayloadString(cur)) {
    auto d = DecodedPayload();
    if (!d.ok()) {
      return d;
    }
    cur = d.value();
  }
  const PathStep& s = alias.steps[i];
  if (s.kind == PathStep::Kind::kKey) {
    Value base = cur.is_map() ? cur : Value::EmptyMap();
    auto child = PutSteps(base.Get(s.key), alias, i + 1, v);
    if (!child.ok()) {
      return child;
    }
    MapBuilder b(arena_, base);
    b.Put(s.key, child.value());
    return b.Finish();
  }
  // Index write: [0] prepends, [-0] appends, [n] replaces an existing element (1-based, negative
  // from the end; out of range leaves the list unchanged); a non-list becomes a new list.
  std::span<const Value> items = cur.is_array() ? cur.AsArray() : std::span<const Value>();
  int64_t n = static_cast<int64_t>(items.size());
  if (s.index == 0 || !cur.is_array()) {
    auto child = PutSteps(Value(), alias, i + 1, v);
    if (!child.ok()) {
      return child;
    }
    ArrayBuilder b(arena_, items.size() + 1);
    bool append = s.negative_zero;
    if (!append) {
      b.Push(child.value());
    }
    for (const Value& e : items) {
      b.Push(e);
    }
    if (append) {
      b.Push(child.value());
    }
    return b.Finish();
  }
  int64_t pos = s.index > 0 ? s.index - 1 : n + s.index;
  if (pos < 0 || pos >= n) {
    return cur;
  }
  auto child = PutSteps(items[pos], alias, i + 1, v);
  if (!child.ok()) {
    return child;
  }
  Value* copy = arena_.AllocateArray<Value>(items.size());
  for (int64_t k = 0; k < n; ++k) {
    copy[k] = k == pos ? child.value() : items[k];
  }
  return Value::ArrayRef(copy, items.size());
}

}  // namespace mqb::rules
