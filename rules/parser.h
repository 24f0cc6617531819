// Parser: rule SQL text -> Statement (rules/expr.h). Recursive descent over rules/lexer.h.
//
// Grammar (keywords case-insensitive):
//   stmt     := SELECT fields FROM topics [WHERE expr]
//             | FOREACH fields [DO fields] [INCASE expr] FROM topics [WHERE expr]
//   fields   := field {, field};   field := '*' | expr [[AS] alias]
//   alias    := name { '.' name | '[' ['-'] int ']' }      name := ident | "quoted"
//   topics   := quoted {, quoted}       ('t/#' or "t/#")
//   expr     := or;  or := and {OR and};  and := not {AND not};  not := NOT not | cmp
//   cmp      := add [(= | != | <> | < | > | <= | >= | =~) add | [NOT] IN '(' expr {, expr} ')']
//   add      := mul {(+ | -) mul};  mul := unary {(* | / | DIV | MOD) unary}
//   unary    := (+ | -) unary | postfix
//   postfix  := primary {'.' segment | '[' index ']' | '[' int '..' int ']'}
//   primary  := int | float | 'string' | true | false | '[' [expr {, expr}] ']' | '[' int '..' int
//   ']'
//             | '(' expr ')' | CASE [expr] WHEN expr THEN expr {...} [ELSE expr] END
//             | name '(' [args] ')' | name '.' name '(' [args] ')' | name | "quoted"
// Function names are resolved against the registry at parse time: an unknown function or a wrong
// number of arguments is a compile error.
//
// Thread-safety: Parse is reentrant; the registry is only read.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "rules/arena.h"
#include "rules/expr.h"
#include "rules/function.h"

namespace mqb::rules {

struct CompileError {
  int line = 0;
  int column = 0;
  std::string message;
  // "line L, column C: message"
  std::string ToString() const;
};

// Parses `sql`. String constants and keys are copied into `arena`, which must outlive the result.
Result<std::unique_ptr<Statement>, CompileError> ParseStatement(std::string_view sql,
                                                                const FunctionRegistry& registry,
                                                                Arena& arena);

}  // namespace mqb::rules
