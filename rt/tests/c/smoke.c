/* Exercises the runtime ABI from C the way generated code uses it. */
#include "snow.h"

SNOW_STR_LIT(s_item, "item");
SNOW_STR_LIT(s_sep, " | ");
SNOW_STR_LIT(s_total, "total: ");
SNOW_STR_LIT(s_done, "done");
SNOW_STR_LIT(s_partial, "no newline, ");

static const snow_type *const p_str[] = {&snow_t_String};
static const snow_type *const p_int[] = {&snow_t_Int};
static const snow_type t_list_str = {SNOW_K_LIST, 3, "List<String>", 0, 1, p_str, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_type t_list_int = {SNOW_K_LIST, 3, "List<Int>", 0, 1, p_int, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_type *const p_map[] = {&snow_t_String, &t_list_int};
static const snow_type t_map = {SNOW_K_MAP, 3, "Map<String, List<Int>>", 0, 2, p_map, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_type t_set = {SNOW_K_SET, 3, "Set<Int>", 0, 1, p_int, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};

/* struct Point do x :: Int  y :: Int end deriving(Display, Debug, Eq, Hash) */
typedef struct Point {
    snow_hdr h;
    int64_t x;
    int64_t y;
} Point;
static const snow_type *const p_point[] = {&snow_t_Int, &snow_t_Int};
static const uint32_t o_point[] = {offsetof(Point, x), offsetof(Point, y)};
static const char *const n_point[] = {"x", "y"};
static const snow_type t_point = {SNOW_K_STRUCT, 3, "Point", sizeof(Point), 2, p_point, o_point, n_point, 0, NULL, NULL, NULL, NULL, NULL};

/* type Shape do Empty; Circle(Float); Label(String, Bool) end (Debug only) */
typedef struct Circle {
    snow_hdr h;
    double r;
} Circle;
typedef struct Label {
    snow_hdr h;
    snow_str *text;
    bool on;
} Label;
static const snow_type *const p_circle[] = {&snow_t_Float};
static const uint32_t o_circle[] = {offsetof(Circle, r)};
static const snow_type *const p_label[] = {&snow_t_String, &snow_t_Bool};
static const uint32_t o_label[] = {offsetof(Label, text), offsetof(Label, on)};
static const snow_type t_empty = {SNOW_K_VARIANT, 0, "Empty", sizeof(snow_hdr), 0, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_type t_circle = {SNOW_K_VARIANT, 0, "Circle", sizeof(Circle), 1, p_circle, o_circle, NULL, 1, NULL, NULL, NULL, NULL, NULL};
static const snow_type t_label = {SNOW_K_VARIANT, 0, "Label", sizeof(Label), 2, p_label, o_label, NULL, 2, NULL, NULL, NULL, NULL, NULL};
static const snow_type *const p_shape[] = {&t_empty, &t_circle, &t_label};
static const snow_type t_shape = {SNOW_K_SUM, SNOW_F_DEBUG, "Shape", 0, 3, p_shape, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_hdr v_empty = {&t_empty, SNOW_GC_STATIC};
static const snow_type *const p_shapes[] = {&t_shape};
static const snow_type t_list_shape = {SNOW_K_LIST, 3, "List<Shape>", 0, 1, p_shapes, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};

static void say(snow_ctx *ctx, const snow_type *t, snow_word v) {
    snow_println(ctx, snow_display(ctx, t, v));
}

static void entry(snow_ctx *ctx) {
    SNOW_CHECK(ctx);
    /* A list of 1000 strings built front to back, kept across many GCs. */
    snow_list *b = snow_list_builder(ctx, &t_list_str, 0);
    for (int64_t i = 0; i < 1000; i++) {
        snow_str *n = snow_int_to_str(ctx, i);
        snow_list_builder_push(ctx, b, snow_w_ptr(snow_str_concat(ctx, SNOW_STR(s_item), n)));
    }
    /* A map of string keys to int lists, many replacements in place. */
    snow_map *m = snow_map_new(ctx, &t_map);
    for (int64_t i = 0; i < 3000; i++) {
        snow_word one[1] = {snow_w_int(i)};
        snow_list *l = snow_list_from(ctx, &t_list_int, 1, one);
        m = snow_map_put(ctx, m, snow_list_get(ctx, b, i % 4), snow_w_ptr(l));
    }
    /* Garbage: short-lived strings and lists. */
    int64_t total = 0;
    for (int64_t i = 0; i < 20000; i++) {
        SNOW_CHECK(ctx);
        snow_str *s = snow_int_to_str(ctx, i);
        snow_list *l = snow_list_append(ctx, snow_list_tail(ctx, b), snow_w_ptr(s));
        total += l->len;
    }
    snow_list *first3 = snow_list_from(ctx, &t_list_str, 3, b->items);
    say(ctx, &t_list_str, snow_w_ptr(first3));
    snow_println(ctx, snow_list_get(ctx, b, 999) ? (snow_str *)snow_ptr_w(snow_list_get(ctx, b, 999)) : NULL);
    say(ctx, &t_map, snow_w_ptr(m));
    snow_map *m2 = snow_map_delete(ctx, m, snow_list_get(ctx, b, 1));
    say(ctx, &t_map, snow_w_ptr(m2));
    say(ctx, &t_map, snow_w_ptr(m));
    snow_str *parts[3] = {SNOW_STR(s_total), snow_int_to_str(ctx, total), SNOW_STR(s_sep)};
    snow_print(ctx, snow_str_concat_n(ctx, 3, parts));
    snow_println(ctx, snow_float_to_str(ctx, 0.1 + 0.2));

    snow_set *s = snow_set_new(ctx, &t_set);
    int64_t xs[] = {3, 1, 3, 2};
    for (int i = 0; i < 4; i++) s = snow_set_add(ctx, s, snow_w_int(xs[i]));
    say(ctx, &t_set, snow_w_ptr(s));

    Point *p = snow_alloc(ctx, &t_point, sizeof(Point));
    p->x = 1;
    p->y = -2;
    say(ctx, &t_point, snow_w_ptr(p));
    snow_println(ctx, snow_debug(ctx, &t_point, snow_w_ptr(p)));
    snow_println(ctx, snow_int_to_str(ctx, snow_hash(ctx, &t_point, snow_w_ptr(p))));

    Circle *c = snow_alloc(ctx, &t_circle, sizeof(Circle));
    c->r = 2.5;
    Label *lb = snow_alloc(ctx, &t_label, sizeof(Label));
    lb->text = SNOW_STR(s_done);
    lb->on = true;
    snow_word shapes[3] = {snow_w_ptr(c), snow_w_ptr(&v_empty), snow_w_ptr(lb)};
    say(ctx, &t_list_shape, snow_w_ptr(snow_list_from(ctx, &t_list_shape, 3, shapes)));
    snow_println(ctx, snow_bool_to_str(ctx, snow_eq(ctx, &t_shape, snow_w_ptr(c), snow_w_ptr(c))));
    snow_println(ctx, snow_int_to_str(ctx, snow_cmp(ctx, &t_shape, snow_w_ptr(&v_empty), snow_w_ptr(c))));
    snow_println(ctx, snow_debug(ctx, &snow_t_String, snow_w_ptr(SNOW_STR(s_done))));
    snow_print(ctx, SNOW_STR(s_partial));
    snow_println(ctx, SNOW_STR(s_done));
    snow_eprintln(ctx, SNOW_STR(s_done));
}

int main(int argc, char **argv) { return snow_main(argc, argv, entry); }
